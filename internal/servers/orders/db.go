package orders

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite": SQLite translated to Go, no cgo
)

// DBFile is the database's file name inside the data directory.
const DBFile = "orders.db"

// DB keeps orders and Idempotency-Keys in an SQLite database (WAL journal,
// synchronous=FULL: a committed transaction survives the process being
// killed, and a power cut). It implements [Store], and through Config it
// is also the API's [KeyStore]: then the order a keyed POST created and
// the response stored for its key are written in one transaction, so a
// crash leaves either both or neither.
//
// One server process owns a data directory at a time: when it opens the
// database it forgets the keys that were reserved but never finished,
// because their transactions, order included, never committed.
type DB struct {
	sql  *sql.DB
	path string
	// wmu queues writers in Go: SQLite allows one writer at a time, and a
	// mutex hands the turn over at once where SQLite's busy handler would
	// poll with sleeps.
	wmu sync.Mutex
}

const schema = `
CREATE TABLE IF NOT EXISTS orders (
	id   TEXT PRIMARY KEY,
	item TEXT NOT NULL,
	qty  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
	key         TEXT PRIMARY KEY,
	fingerprint BLOB NOT NULL,
	done        INTEGER NOT NULL DEFAULT 0,
	status      INTEGER NOT NULL DEFAULT 0,
	header      TEXT NOT NULL DEFAULT '{}',
	body        BLOB,
	expires     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idempotency_keys_expires ON idempotency_keys(expires);
`

// OpenDB opens (creating it if needed) the database in dir.
func OpenDB(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data directory: %w", err)
	}
	path := filepath.Join(dir, DBFile)
	// The part of the DSN before '?' is an SQLite URI filename, where '%',
	// '?' and '#' must be escaped.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	dsn := "file:" + esc + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	sdb.SetMaxOpenConns(4)
	d := &DB{sql: sdb, path: path}
	ctx := context.Background()
	if _, err := sdb.ExecContext(ctx, schema); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	if _, err := sdb.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE done = 0`); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("opening %s: clearing unfinished keys: %w", path, err)
	}
	return d, nil
}

// Path is the database file.
func (d *DB) Path() string { return d.path }

// Close closes the database.
func (d *DB) Close() error { return d.sql.Close() }

func storageErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %v", ErrStorage, err)
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// workTx is the transaction of one keyed request: begun at its first
// write, it takes the order and the key's stored response together.
type workTx struct {
	db *DB
	tx *sql.Tx
}

type workKey struct{}

func workFrom(ctx context.Context, d *DB) *workTx {
	w, _ := ctx.Value(workKey{}).(*workTx)
	if w != nil && w.db == d {
		return w
	}
	return nil
}

func (w *workTx) begin(ctx context.Context) (*sql.Tx, error) {
	if w.tx != nil {
		return w.tx, nil
	}
	w.db.wmu.Lock()
	tx, err := w.db.sql.BeginTx(ctx, nil)
	if err != nil {
		w.db.wmu.Unlock()
		return nil, storageErr(err)
	}
	w.tx = tx
	return tx, nil
}

func (w *workTx) commit() error {
	if w.tx == nil {
		return nil
	}
	err := w.tx.Commit()
	w.tx = nil
	w.db.wmu.Unlock()
	return storageErr(err)
}

func (w *workTx) rollback() {
	if w.tx == nil {
		return
	}
	w.tx.Rollback()
	w.tx = nil
	w.db.wmu.Unlock()
}

// write runs f in the request's unit of work when there is one, else in a
// transaction of its own. The work goes on when the client hangs up: a
// request that was accepted is finished, so that a retry finds it done.
func (d *DB) write(ctx context.Context, f func(ctx context.Context, tx *sql.Tx) error) error {
	ctx = context.WithoutCancel(ctx)
	if w := workFrom(ctx, d); w != nil {
		tx, err := w.begin(ctx)
		if err != nil {
			return err
		}
		return f(ctx, tx)
	}
	d.wmu.Lock()
	defer d.wmu.Unlock()
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return storageErr(err)
	}
	if err := f(ctx, tx); err != nil {
		tx.Rollback()
		return err
	}
	return storageErr(tx.Commit())
}

// reader is the request's transaction once it has begun (to see its own
// writes), else the pool.
func (d *DB) reader(ctx context.Context) querier {
	if w := workFrom(ctx, d); w != nil && w.tx != nil {
		return w.tx
	}
	return d.sql
}

// Create implements [Store]: the id is the next value of a counter kept in
// the database, so ids never repeat within a data directory.
func (d *DB) Create(ctx context.Context, item string, qty int) (Order, error) {
	var o Order
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		next := int64(1)
		err := tx.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = 'next_id'`).Scan(&next)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return storageErr(err)
		}
		for {
			id := strconv.FormatInt(next, 10)
			next++
			res, err := tx.ExecContext(ctx, `INSERT INTO orders(id, item, qty) VALUES(?, ?, ?) ON CONFLICT(id) DO NOTHING`, id, item, qty)
			if err != nil {
				return storageErr(err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return storageErr(err)
			} else if n == 1 { // else PUT took that id
				o = Order{ID: id, Item: item, Qty: qty}
				break
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO counters(name, value) VALUES('next_id', ?)
			ON CONFLICT(name) DO UPDATE SET value = excluded.value`, next)
		return storageErr(err)
	})
	return o, err
}

// Get implements [Store].
func (d *DB) Get(ctx context.Context, id string) (Order, bool, error) {
	o := Order{ID: id}
	err := d.reader(ctx).QueryRowContext(ctx, `SELECT item, qty FROM orders WHERE id = ?`, id).Scan(&o.Item, &o.Qty)
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, false, nil
	}
	if err != nil {
		return Order{}, false, storageErr(err)
	}
	return o, true, nil
}

// Put implements [Store].
func (d *DB) Put(ctx context.Context, o Order) (bool, error) {
	var created bool
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM orders WHERE id = ?`, o.ID).Scan(&n); err != nil {
			return storageErr(err)
		}
		created = n == 0
		_, err := tx.ExecContext(ctx, `INSERT INTO orders(id, item, qty) VALUES(?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET item = excluded.item, qty = excluded.qty`, o.ID, o.Item, o.Qty)
		return storageErr(err)
	})
	return created, err
}

// Update implements [Store].
func (d *DB) Update(ctx context.Context, id string, f func(*Order) error) (Order, bool, error) {
	var o Order
	found := false
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		o = Order{ID: id}
		err := tx.QueryRowContext(ctx, `SELECT item, qty FROM orders WHERE id = ?`, id).Scan(&o.Item, &o.Qty)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return storageErr(err)
		}
		found = true
		if err := f(&o); err != nil {
			return err
		}
		o.ID = id
		_, err = tx.ExecContext(ctx, `UPDATE orders SET item = ?, qty = ? WHERE id = ?`, o.Item, o.Qty, id)
		return storageErr(err)
	})
	if err != nil || !found {
		return Order{}, found, err
	}
	return o, true, nil
}

// Delete implements [Store].
func (d *DB) Delete(ctx context.Context, id string) (bool, error) {
	var deleted bool
	err := d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM orders WHERE id = ?`, id)
		if err != nil {
			return storageErr(err)
		}
		n, err := res.RowsAffected()
		deleted = n == 1
		return storageErr(err)
	})
	return deleted, err
}

// List implements [Store].
func (d *DB) List(ctx context.Context, item string) ([]Order, error) {
	q, args := `SELECT id, item, qty FROM orders`, []any{}
	if item != "" {
		q, args = q+` WHERE item = ?`, append(args, item)
	}
	rows, err := d.reader(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, storageErr(err)
	}
	defer rows.Close()
	out := []Order{}
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Item, &o.Qty); err != nil {
			return nil, storageErr(err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, storageErr(err)
	}
	sortOrders(out)
	return out, nil
}

// dbKeyStore is the key table of a DB.
type dbKeyStore struct {
	d   *DB
	ttl time.Duration
	max int
	now func() time.Time
}

func (d *DB) keyStore(ttl time.Duration, max int, now func() time.Time) KeyStore {
	return &dbKeyStore{d: d, ttl: ttl, max: max, now: now}
}

// lookup reads key's row and decides on it; ok is false when there is no
// unexpired row.
func (s *dbKeyStore) lookup(ctx context.Context, q querier, key string, fp [32]byte, now time.Time) (keyDecision, bool, error) {
	var (
		stored  []byte
		done    bool
		status  int
		header  string
		body    []byte
		expires int64
	)
	err := q.QueryRowContext(ctx, `SELECT fingerprint, done, status, header, body, expires FROM idempotency_keys WHERE key = ?`, key).
		Scan(&stored, &done, &status, &header, &body, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && now.UnixNano() >= expires) {
		return keyDecision{}, false, nil
	}
	if err != nil {
		return keyDecision{}, false, storageErr(err)
	}
	switch {
	case string(stored) != string(fp[:]):
		return keyDecision{state: keyMismatch}, true, nil
	case !done:
		return keyDecision{state: keyBusy}, true, nil
	}
	h := http.Header{}
	if err := json.Unmarshal([]byte(header), &h); err != nil {
		return keyDecision{}, false, storageErr(fmt.Errorf("the stored headers of key %q: %w", key, err))
	}
	return keyDecision{state: keyReplay, resp: recorded{status: status, header: h, body: body}}, true, nil
}

func (s *dbKeyStore) begin(ctx context.Context, key string, fp [32]byte) (keyDecision, error) {
	now := s.now()
	// A retry of a known key needs no write: readers never wait for the
	// writer in WAL mode.
	if d, ok, err := s.lookup(ctx, s.d.sql, key, fp, now); err != nil || ok {
		return d, err
	}
	var d keyDecision
	err := s.d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// Again under the write lock: another request may have reserved
		// the key since the read.
		got, ok, err := s.lookup(ctx, tx, key, fp, now)
		if err != nil || ok {
			d = got
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE expires <= ?`, now.UnixNano()); err != nil {
			return storageErr(err)
		}
		var n int
		var first sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT count(*), min(expires) FROM idempotency_keys`).Scan(&n, &first); err != nil {
			return storageErr(err)
		}
		if n >= s.max {
			d = keyDecision{state: keyFull, retryAfter: time.Duration(first.Int64 - now.UnixNano())}
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO idempotency_keys(key, fingerprint, expires) VALUES(?, ?, ?)`, key, fp[:], now.Add(s.ttl).UnixNano())
		d = keyDecision{state: keyNew}
		return storageErr(err)
	})
	return d, err
}

func (s *dbKeyStore) work(ctx context.Context) (context.Context, unit) {
	w := &workTx{db: s.d}
	return context.WithValue(ctx, workKey{}, w), w
}

func (s *dbKeyStore) finish(ctx context.Context, key string, resp recorded) error {
	h, err := json.Marshal(resp.header)
	if err != nil {
		return fmt.Errorf("storing the response headers: %w", err)
	}
	return s.d.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET done = 1, status = ?, header = ?, body = ? WHERE key = ?`,
			resp.status, string(h), resp.body, key)
		return storageErr(err)
	})
}

func (s *dbKeyStore) release(key string) {
	s.d.write(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE key = ? AND done = 0`, key)
		return storageErr(err)
	})
}

func (s *dbKeyStore) Len() int {
	var n int
	s.d.sql.QueryRow(`SELECT count(*) FROM idempotency_keys`).Scan(&n)
	return n
}
