package quicdemo

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSite(t *testing.T) {
	s := &site{}
	h := s.handler()
	tests := []struct {
		desc, target string
		status       int
		bodyLen      int // -1: do not check
	}{
		{"hello", "/", 200, -1},
		{"a blob of 1000 bytes", "/blob?n=1000", 200, 1000},
		{"an empty blob", "/blob?n=0", 200, 0},
		{"a blob with no size", "/blob", 400, -1},
		{"a negative blob", "/blob?n=-1", 400, -1},
		{"a blob over the cap", "/blob?n=99999999999", 400, -1},
		{"a charge over TCP is never early", "/charge", 200, -1},
		{"the RFC 8470 charge over TCP is never early either", "/charge-safe", 200, -1},
		{"an unknown path", "/nope", 404, -1},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.target, nil))
		if w.Code != tt.status || (tt.bodyLen >= 0 && w.Body.Len() != tt.bodyLen) {
			t.Errorf("%s: GET %s = %d with %d bytes, want %d (and %d bytes unless -1)", tt.desc, tt.target, w.Code, w.Body.Len(), tt.status, tt.bodyLen)
		}
	}
	if got := s.Charges(); len(got) != 2 || got[0].Early || got[1].Early || got[1].N != 2 {
		t.Errorf("charges = %+v, want two, numbered, neither early", got)
	}
}
