package orders

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Header names of the Idempotency-Key draft (draft-ietf-httpapi-idempotency-key-header)
// and the header that marks a replayed response (a common convention, e.g.
// Stripe's; the draft leaves the marking to the server).
const (
	KeyHeader      = "Idempotency-Key"
	ReplayedHeader = "Idempotent-Replayed"
	MaxKeyLen      = 255
)

// ParseKey reads an Idempotency-Key field value. The draft defines it as a
// Structured Field String (RFC 8941 §3.3.3), "quoted"; people typing curl
// commands send it bare, so a bare value of visible ASCII is accepted too.
func ParseKey(v string) (string, error) {
	v = strings.Trim(v, " \t")
	if v == "" {
		return "", errors.New("the Idempotency-Key is empty")
	}
	var key string
	if v[0] == '"' {
		var b strings.Builder
		i := 1
		for ; i < len(v); i++ {
			c := v[i]
			if c == '\\' {
				i++
				if i == len(v) || (v[i] != '"' && v[i] != '\\') {
					return "", errors.New(`the Idempotency-Key has a bad escape; only \" and \\ are allowed`)
				}
				b.WriteByte(v[i])
				continue
			}
			if c == '"' {
				break
			}
			if c < 0x20 || c > 0x7e {
				return "", errors.New("the Idempotency-Key must be printable ASCII")
			}
			b.WriteByte(c)
		}
		if i >= len(v) || i != len(v)-1 {
			return "", errors.New("the Idempotency-Key string is not closed by a single final quote")
		}
		key = b.String()
	} else {
		for i := 0; i < len(v); i++ {
			if c := v[i]; c <= 0x20 || c > 0x7e || c == '"' || c == '\\' || c == ',' {
				return "", errors.New(`the Idempotency-Key must be visible ASCII without spaces, quotes or commas (or a "quoted string")`)
			}
		}
		key = v
	}
	if key == "" || len(key) > MaxKeyLen {
		return "", fmt.Errorf("the Idempotency-Key must be 1 to %d characters", MaxKeyLen)
	}
	return key, nil
}

// idempotent wraps a non-idempotent handler (POST, PATCH) with the
// Idempotency-Key protocol. Requests without the header pass through.
// The fingerprint covers method, path and body, so a key reused for any
// other request is refused with 422 instead of silently replaying.
func (a *API) idempotent(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		vals := r.Header.Values(KeyHeader)
		if len(vals) == 0 {
			next(w, r)
			return
		}
		if len(vals) > 1 {
			writeProblem(w, r, newProblem(http.StatusBadRequest, "bad-idempotency-key", "Bad Idempotency-Key", "send one Idempotency-Key field, not several"))
			return
		}
		key, err := ParseKey(vals[0])
		if err != nil {
			writeProblem(w, r, newProblem(http.StatusBadRequest, "bad-idempotency-key", "Bad Idempotency-Key", err.Error()))
			return
		}
		mediaType, body, ok := a.jsonBody(w, r)
		if !ok {
			return
		}
		h := sha256.New()
		fmt.Fprintf(h, "%s %s\n%s\n", r.Method, r.URL.Path, mediaType)
		h.Write(body)
		var fp [32]byte
		h.Sum(fp[:0])

		d, err := a.keys.begin(r.Context(), key, fp)
		if err != nil {
			a.storageProblem(w, r, err)
			return
		}
		switch d.state {
		case keyMismatch:
			writeProblem(w, r, newProblem(http.StatusUnprocessableEntity, "idempotency-key-reused", "Idempotency-Key reused for another request",
				"this key was first used with a different request payload; use a new key for a new request"))
			return
		case keyBusy:
			w.Header().Set("Retry-After", "1")
			writeProblem(w, r, newProblem(http.StatusConflict, "idempotency-key-in-progress", "A request with this Idempotency-Key is still being processed",
				"retry after the first request has finished; it will then be replayed"))
			return
		case keyFull:
			secs := int64(math.Ceil(d.retryAfter.Seconds()))
			w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
			writeProblem(w, r, newProblem(http.StatusServiceUnavailable, "idempotency-keys-full", "Too many Idempotency-Keys",
				fmt.Sprintf("the server holds its maximum of %d unexpired keys and forgets none before its lifetime of %v; the first one expires in %v",
					a.cfg.MaxKeys, a.cfg.KeyTTL, d.retryAfter.Round(time.Second))))
			return
		case keyReplay:
			for k, v := range d.resp.header {
				w.Header()[k] = slices.Clone(v) // the stored copy is shared by every replay
			}
			w.Header().Set(ReplayedHeader, "true")
			w.WriteHeader(d.resp.status)
			w.Write(d.resp.body)
			return
		}
		// The response is held back until the order and the stored
		// response are durable together: a client never sees a result the
		// server could forget.
		r.Body = io.NopCloser(bytes.NewReader(body))
		ctx, u := a.keys.work(r.Context())
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		settled := false
		defer func() {
			if !settled { // a panic in next
				u.rollback()
				a.keys.release(key)
			}
		}()
		next(rec, r.WithContext(ctx))
		if rec.status >= 500 {
			settled = true
			u.rollback()
			a.keys.release(key)
			rec.send(w)
			return
		}
		err = a.keys.finish(ctx, key, rec.recorded())
		if err == nil {
			err = u.commit()
		}
		settled = true
		if err != nil {
			u.rollback()
			a.keys.release(key)
			a.storageProblem(w, r, err)
			return
		}
		if a.cfg.AfterCommit != nil {
			a.cfg.AfterCommit(r)
		}
		rec.send(w)
	}
}

// recorder keeps a response to send it later.
type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	buf         bytes.Buffer
}

func (rc *recorder) Header() http.Header { return rc.header }

func (rc *recorder) WriteHeader(code int) {
	if rc.wroteHeader {
		return
	}
	rc.wroteHeader = true
	rc.status = code
}

func (rc *recorder) Write(b []byte) (int, error) {
	if !rc.wroteHeader {
		rc.WriteHeader(http.StatusOK)
	}
	return rc.buf.Write(b)
}

// recorded is what a replay sends: status, headers without Date, body.
func (rc *recorder) recorded() recorded {
	h := rc.header.Clone()
	h.Del("Date")
	return recorded{status: rc.status, header: h, body: bytes.Clone(rc.buf.Bytes())}
}

// send writes the kept response to w.
func (rc *recorder) send(w http.ResponseWriter) {
	for k, v := range rc.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rc.status)
	w.Write(rc.buf.Bytes())
}
