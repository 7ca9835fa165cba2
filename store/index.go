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
	err := s.db.QueryRowContext(ctx, `SELECT final_url, content_type, etag, last_modified, max_age_s, fetched_at, body FROM index_pages WHERE url = ?`, url).
		Scan(&p.Final, &p.ContentType, &p.ETag, &p.LastModified, &maxAge, &fetched, &p.Body)
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

// indexCacheCap bounds the index answers kept, in bytes: past it, the
// oldest go.
var indexCacheCap int64 = 256 << 20

// SaveIndexPage keeps a package index's answer, replacing the one before,
// and lets the oldest answers go while the cache is past its cap.
func (s *Store) SaveIndexPage(ctx context.Context, p wheels.Page) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO index_pages (url, final_url, content_type, etag, last_modified, max_age_s, fetched_at, body, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET final_url = excluded.final_url, content_type = excluded.content_type, etag = excluded.etag, last_modified = excluded.last_modified,
		max_age_s = excluded.max_age_s, fetched_at = excluded.fetched_at, body = excluded.body, size = excluded.size`,
		p.URL, p.Final, p.ContentType, p.ETag, p.LastModified, int64(p.MaxAge/time.Second), timeText(p.FetchedAt), p.Body, len(p.Body)); err != nil {
		return err
	}
	var total int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(size), 0) FROM index_pages`).Scan(&total); err != nil {
		return err
	}
	if total > indexCacheCap {
		if _, err := tx.ExecContext(ctx, `DELETE FROM index_pages WHERE url IN (
			SELECT url FROM (SELECT url, sum(size) OVER (ORDER BY fetched_at DESC, url) AS kept FROM index_pages) WHERE kept > ?)`, indexCacheCap); err != nil {
			return err
		}
	}
	return tx.Commit()
}
