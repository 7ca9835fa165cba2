package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/pyhangar/pyhangar/wheels"
)

// IndexPage returns a package index's answer kept for url.
func (s *Store) IndexPage(ctx context.Context, url string) (wheels.Page, bool, error) {
	p := wheels.Page{URL: url}
	var fetched string
	var maxAge int64
	err := s.db.QueryRowContext(ctx, `SELECT content_type, etag, last_modified, max_age_s, fetched_at, body FROM index_pages WHERE url = ?`, url).
		Scan(&p.ContentType, &p.ETag, &p.LastModified, &maxAge, &fetched, &p.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return wheels.Page{}, false, nil
	}
	if err != nil {
		return wheels.Page{}, false, err
	}
	p.MaxAge = time.Duration(maxAge) * time.Second
	p.FetchedAt, _ = time.Parse(time.RFC3339Nano, fetched)
	return p, true, nil
}

// SaveIndexPage keeps a package index's answer, replacing the one before.
func (s *Store) SaveIndexPage(ctx context.Context, p wheels.Page) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO index_pages (url, content_type, etag, last_modified, max_age_s, fetched_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET content_type = excluded.content_type, etag = excluded.etag, last_modified = excluded.last_modified,
		max_age_s = excluded.max_age_s, fetched_at = excluded.fetched_at, body = excluded.body`,
		p.URL, p.ContentType, p.ETag, p.LastModified, int64(p.MaxAge/time.Second), timeText(p.FetchedAt), p.Body)
	return err
}
