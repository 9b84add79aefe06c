package orders

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// ETagOf is a strong entity tag for a representation: a hash of its bytes,
// so it changes exactly when the representation does.
func ETagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}

// NoneMatch evaluates If-None-Match (RFC 9110 §13.1.2) against the current
// entity tag: it reports whether the header names it (or is "*"), using the
// weak comparison the field calls for, so W/"x" matches "x". A header it
// cannot parse matches nothing: the server then sends the full response,
// which is always safe.
func NoneMatch(header, etag string) bool {
	header = strings.TrimSpace(header)
	if header == "" {
		return false
	}
	if header == "*" {
		return true
	}
	tags, ok := parseETagList(header)
	if !ok {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range tags {
		if strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// parseETagList splits `W/"a", "b"` into its entity tags (RFC 9110 §8.8.3:
// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc excludes DQUOTE, space
// and controls). Empty list elements are allowed, as in every #rule list.
func parseETagList(s string) ([]string, bool) {
	var tags []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return tags, true
		}
		if s[0] == ',' {
			s = s[1:]
			continue
		}
		start := s
		if strings.HasPrefix(s, "W/") {
			s = s[2:]
		}
		if s == "" || s[0] != '"' {
			return nil, false
		}
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return nil, false
		}
		for _, c := range []byte(s[1 : 1+end]) {
			if c != 0x21 && (c < 0x23 || c == 0x7f) {
				return nil, false
			}
		}
		n := len(start) - len(s) + end + 2
		tags = append(tags, start[:n])
		s = strings.TrimLeft(start[n:], " \t")
		if s != "" && s[0] != ',' {
			return nil, false
		}
	}
}
