package orders

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Limits on what one order may hold: the body limit protects the server's
// memory, these keep the state readable.
const (
	MaxItemLen = 100
	MaxQty     = 1000
	MaxIDLen   = 64
)

// OrderInput is what a client sends to create (POST) or replace (PUT) an
// order: the whole representation, without the id.
type OrderInput struct {
	Item string `json:"item"`
	Qty  int    `json:"qty"`
}

// ParseOrderInput reads one JSON object {"item":..., "qty":...}. It refuses
// unknown fields, missing fields, trailing data and out-of-range values,
// with a message that says what was wrong and where.
func ParseOrderInput(b []byte) (OrderInput, error) {
	var raw struct {
		Item *string `json:"item"`
		Qty  *int    `json:"qty"`
	}
	if err := decodeStrict(b, &raw); err != nil {
		return OrderInput{}, err
	}
	if raw.Item == nil || raw.Qty == nil {
		return OrderInput{}, errors.New(`both "item" (string) and "qty" (integer) are required`)
	}
	in := OrderInput{Item: *raw.Item, Qty: *raw.Qty}
	if err := in.validate(); err != nil {
		return OrderInput{}, err
	}
	return in, nil
}

func (in OrderInput) validate() error {
	if err := validateItem(in.Item); err != nil {
		return err
	}
	return validateQty(in.Qty)
}

func validateItem(item string) error {
	switch {
	case strings.TrimSpace(item) == "":
		return errors.New(`"item" must not be empty`)
	case len(item) > MaxItemLen:
		return fmt.Errorf(`"item" must be at most %d bytes, got %d`, MaxItemLen, len(item))
	case !utf8.ValidString(item):
		return errors.New(`"item" must be valid UTF-8`)
	}
	if err := textProblem(item); err != nil {
		return fmt.Errorf(`"item" must be plain text: %w`, err)
	}
	return nil
}

func validateQty(q int) error {
	if q < 1 || q > MaxQty {
		return fmt.Errorf(`"qty" must be between 1 and %d, got %d`, MaxQty, q)
	}
	return nil
}

// PatchInput is a PATCH body. With Content-Type application/json it is an
// operation, {"op":"increment","by":N} (by defaults to 1): applying it twice
// adds twice, so this PATCH is not idempotent. With
// application/merge-patch+json (RFC 7396) it names the fields to set, which
// is idempotent: the same document twice leaves the same state.
type PatchInput struct {
	Merge bool    // a merge patch, not an operation
	Item  *string // merge: new item
	Qty   *int    // merge: new qty
	By    int     // increment: how much to add
}

// ParsePatch reads a PATCH body of the given media type (see [PatchInput]).
func ParsePatch(mediaType string, b []byte) (PatchInput, error) {
	if mediaType == "application/merge-patch+json" {
		if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
			return PatchInput{}, errors.New("a merge patch of null would replace the whole order with null, that is delete it (RFC 7396 §2); send an object with the fields to change, or DELETE")
		}
		var raw struct {
			Item json.RawMessage `json:"item"`
			Qty  json.RawMessage `json:"qty"`
		}
		if err := decodeStrict(b, &raw); err != nil {
			return PatchInput{}, err
		}
		p := PatchInput{Merge: true}
		if isNull(raw.Item) || isNull(raw.Qty) {
			return PatchInput{}, errors.New(`"item" and "qty" cannot be removed (null); an order needs both`)
		}
		if raw.Item != nil {
			p.Item = new(string)
			if err := json.Unmarshal(raw.Item, p.Item); err != nil {
				return PatchInput{}, errors.New(`"item" must be a string`)
			}
			if err := validateItem(*p.Item); err != nil {
				return PatchInput{}, err
			}
		}
		if raw.Qty != nil {
			p.Qty = new(int)
			if err := json.Unmarshal(raw.Qty, p.Qty); err != nil {
				return PatchInput{}, errors.New(`"qty" must be an integer`)
			}
			if err := validateQty(*p.Qty); err != nil {
				return PatchInput{}, err
			}
		}
		return p, nil
	}
	var raw struct {
		Op string `json:"op"`
		By *int   `json:"by"`
	}
	if err := decodeStrict(b, &raw); err != nil {
		return PatchInput{}, err
	}
	if raw.Op != "increment" {
		return PatchInput{}, fmt.Errorf(`"op" must be "increment" (or send an application/merge-patch+json document), got %q`, raw.Op)
	}
	p := PatchInput{By: 1}
	if raw.By != nil {
		p.By = *raw.By
	}
	if p.By < 1 || p.By > MaxQty {
		return PatchInput{}, fmt.Errorf(`"by" must be between 1 and %d, got %d`, MaxQty, p.By)
	}
	return p, nil
}

// Apply changes o as the patch says, refusing a result out of range.
func (p PatchInput) Apply(o *Order) error {
	if p.Merge {
		if p.Item != nil {
			o.Item = *p.Item
		}
		if p.Qty != nil {
			o.Qty = *p.Qty
		}
		return nil
	}
	if o.Qty+p.By > MaxQty {
		return fmt.Errorf(`"qty" would become %d, above the limit of %d`, o.Qty+p.By, MaxQty)
	}
	o.Qty += p.By
	return nil
}

func isNull(m json.RawMessage) bool {
	return m != nil && bytes.Equal(bytes.TrimSpace(m), []byte("null"))
}

// decodeStrict decodes exactly one JSON object into v: unknown fields and
// anything after the object are errors. Syntax errors name the byte offset.
func decodeStrict(b []byte, v any) error {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return errors.New("the body is empty; send a JSON object")
	}
	if err := checkJSON(b); err != nil {
		return err
	}
	if bytes.Equal(trimmed, []byte("null")) {
		return errors.New("the body is null; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("unexpected data after the JSON object at byte %d", dec.InputOffset())
	}
	return nil
}

func describeJSONError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("malformed JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Errorf("%q must be %s, got a JSON %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
		}
		return fmt.Errorf("the body must be a JSON object, got a JSON %s", te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("malformed JSON: the body ends in the middle of a value")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return fmt.Errorf("malformed JSON: %v", err)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "int", "int64":
		return "an integer"
	case "string", "ptr":
		return "a string"
	}
	return "a " + goKind
}

// errBodyTooLarge tells readBody's callers to answer 413, not 400.
var errBodyTooLarge = errors.New("the body is too large")

// jsonMediaType checks Content-Type: application/json or any +json type is
// accepted, and the media type is returned. A body without Content-Type is
// refused too: the server would have to guess (RFC 9110 §8.3 allows
// sniffing, which is how content gets misread), and what curl -d sends
// without -H is form-encoded anyway. A request without a body needs none.
func jsonMediaType(r *http.Request) (string, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		if r.ContentLength != 0 { // -1: chunked, length unknown
			return "", errors.New("the body has no Content-Type; send application/json (curl: -H 'Content-Type: application/json', or --json)")
		}
		return "application/json", nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return "", fmt.Errorf("Content-Type %q is not JSON; send application/json (curl: -H 'Content-Type: application/json', or --json)", ct)
	}
	return mt, nil
}

// readBody reads the whole body, at most limit bytes (http.MaxBytesReader
// also tells the server to close the connection after an oversized body).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, fmt.Errorf("%w: the limit is %d bytes", errBodyTooLarge, mbe.Limit)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	return b, nil
}
