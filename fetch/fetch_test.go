package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPolicy(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://pypi.example/simple/": true, "http://127.0.0.1:8080/x": true, "http://localhost/x": true, "http://[::1]:1/": true,
		"http://files.example/x.whl": false, "ftp://127.0.0.1/x": false, "file:///etc/passwd": false, "/relative": false,
	} {
		if _, err := CheckURL(raw); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v", raw, err)
		}
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"https://alice:TOKEN@host/simple/":                        "https://alice:****@host/simple/",
		"cannot reach http://bob:s3cr%40t@127.0.0.1:9/x: refused": "cannot reach http://bob:****@127.0.0.1:9/x: refused",
		"https://TOKEN@host/":                                     "https://****@host/",
		"https://host/no/creds":                                   "https://host/no/creds",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Strip("https://alice:TOKEN@host/simple/x/"); got != "https://host/simple/x/" {
		t.Errorf("Strip: %q", got)
	}
}

// Redirects are checked as the first URL is; the answer says where it
// finally came from; bodies are bounded and declared hashes checked.
func TestGet(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/final/page", http.StatusFound) })
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://files.example/x", http.StatusFound)
	})
	mux.HandleFunc("/final/page", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hello") })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		w.Write([]byte(strings.Repeat("x", 5000)))
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for range 10 {
			w.Write([]byte(strings.Repeat("y", 1000)))
			w.(http.Flusher).Flush()
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	r, err := Get(t.Context(), nil, Request{URL: srv.URL + "/moved"})
	if err != nil || string(r.Body) != "hello" || r.URL.Path != "/final/page" {
		t.Fatalf("moved: %v %+v", err, r)
	}
	if _, err := Get(t.Context(), nil, Request{URL: srv.URL + "/away"}); !errors.Is(err, ErrRefused) {
		t.Errorf("a redirect to plain http elsewhere: %v", err)
	}
	if _, err := Get(t.Context(), nil, Request{URL: srv.URL + "/big", Limit: 1000}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "5000 bytes") {
		t.Errorf("announced too large: %v", err)
	}
	if _, err := Get(t.Context(), nil, Request{URL: srv.URL + "/chunked", Limit: 1000}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("sent too much: %v", err)
	}
	good := "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" // sha256("hello")
	if _, err := Get(t.Context(), nil, Request{URL: srv.URL + "/final/page", SHA256: good}); err != nil {
		t.Errorf("the right hash: %v", err)
	}
	if _, err := Get(t.Context(), nil, Request{URL: srv.URL + "/final/page", SHA256: strings.Repeat("0", 64)}); !errors.Is(err, ErrHashMismatch) {
		t.Errorf("a wrong hash: %v", err)
	}
	withCreds := strings.Replace(srv.URL, "http://", "http://alice:TOKEN@", 1)
	srv.Close()
	if _, err := Get(t.Context(), nil, Request{URL: withCreds + "/x"}); err == nil || strings.Contains(err.Error(), "TOKEN") {
		t.Errorf("an error shows the credentials: %v", err)
	}
}
