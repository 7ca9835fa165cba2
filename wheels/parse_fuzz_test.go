package wheels

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSimpleAPIPages parses what an index could answer, as PEP 691 JSON
// and as PEP 503 HTML: whatever it is, parsing never panics, and every
// file it gives has a name and an absolute URL, with no fragment left.
func FuzzSimpleAPIPages(f *testing.F) {
	f.Add([]byte(`{"meta":{"api-version":"1.1"},"name":"x","files":[{"filename":"x-1.0-py3-none-any.whl","url":"../../files/x-1.0-py3-none-any.whl#sha256=ab","core-metadata":{"sha256":"cd"},"yanked":"bad"}]}`))
	f.Add([]byte(`<a href="../../files/x-1.0.tar.gz#sha256=ab" data-requires-python="&gt;=3.8" data-core-metadata="sha256=cd">x-1.0.tar.gz</a>`))
	f.Add([]byte(`<a href="http://elsewhere.example/x.whl" data-dist-info-metadata="true">x.whl</a><a>`))
	f.Add([]byte(`{"files":[{"filename":"","url":"::"}]}`))
	f.Add([]byte(`<html><body><a href="%zz">bad</a></body>`))
	base, _ := url.Parse("https://index.example/simple/x/")
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, parse := range []func([]byte, *url.URL) ([]File, error){parseJSON, parseHTML} {
			files, err := parse(body, base)
			if err != nil {
				continue
			}
			for _, file := range files {
				u, err := url.Parse(file.URL)
				if file.Filename == "" || err != nil || !u.IsAbs() || u.Fragment != "" || strings.Contains(file.URL, "#") {
					t.Errorf("file %q has the URL %q", file.Filename, file.URL)
				}
			}
		}
	})
}
