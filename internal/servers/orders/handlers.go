package orders

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// orderInput reads and checks the JSON body that POST and PUT share; on a
// bad body it has already answered with the problem.
func (a *API) orderInput(w http.ResponseWriter, r *http.Request) (OrderInput, bool) {
	b, ok := a.body(w, r)
	if !ok {
		return OrderInput{}, false
	}
	in, err := ParseOrderInput(b)
	if err != nil {
		writeProblem(w, r, invalidBody(err))
		return OrderInput{}, false
	}
	return in, true
}

func (a *API) create(w http.ResponseWriter, r *http.Request) {
	in, ok := a.orderInput(w, r)
	if !ok {
		return
	}
	if a.cfg.BeforeCreate != nil {
		a.cfg.BeforeCreate(r)
	}
	o, err := a.store.Create(r.Context(), in.Item, in.Qty)
	if err != nil {
		a.storageProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/orders/"+o.ID)
	// A POST response is not reused by caches unless it says so with
	// explicit freshness (RFC 9110 §9.3.3); no-store says it plainly.
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, o)
}

func (a *API) list(w http.ResponseWriter, r *http.Request) {
	list, err := a.store.List(r.Context(), r.URL.Query().Get("item"))
	if err != nil {
		a.storageProblem(w, r, err)
		return
	}
	writeCacheable(w, r, list)
}

func (a *API) get(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	o, found, err := a.store.Get(r.Context(), id)
	if err != nil {
		a.storageProblem(w, r, err)
		return
	}
	if !found {
		writeProblem(w, r, newProblem(http.StatusNotFound, "", "", "there is no order "+strconv.Quote(id)))
		return
	}
	writeCacheable(w, r, o)
}

func (a *API) put(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	in, ok := a.orderInput(w, r)
	if !ok {
		return
	}
	o := Order{ID: id, Item: in.Item, Qty: in.Qty}
	created, err := a.store.Put(r.Context(), o)
	if err != nil {
		a.storageProblem(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/orders/"+id)
	}
	writeJSON(w, status, o)
}

func (a *API) patch(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	mt, b, ok := a.jsonBody(w, r)
	if !ok {
		return
	}
	p, err := ParsePatch(mt, b)
	if err != nil {
		writeProblem(w, r, invalidBody(err))
		return
	}
	o, found, err := a.store.Update(r.Context(), id, p.Apply)
	switch {
	case errors.Is(err, ErrStorage):
		a.storageProblem(w, r, err)
	case !found:
		writeProblem(w, r, newProblem(http.StatusNotFound, "", "", "there is no order "+strconv.Quote(id)))
	case err != nil:
		writeProblem(w, r, newProblem(http.StatusUnprocessableEntity, "invalid-order", "The order would be invalid", err.Error()))
	default:
		writeJSON(w, http.StatusOK, o)
	}
}

func (a *API) delete(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	deleted, err := a.store.Delete(r.Context(), id)
	if err != nil {
		a.storageProblem(w, r, err)
		return
	}
	if !deleted {
		writeProblem(w, r, newProblem(http.StatusNotFound, "", "", "there is no order "+strconv.Quote(id)+" (any more)"))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func invalidBody(err error) Problem {
	return newProblem(http.StatusBadRequest, "invalid-json", "The request body is not a valid order", err.Error())
}

// pathID checks the {id} wildcard: 1 to MaxIDLen of [A-Za-z0-9_-].
func pathID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	if !ValidID(id) {
		writeProblem(w, r, newProblem(http.StatusBadRequest, "invalid-id", "Invalid order id",
			"an order id is 1 to "+strconv.Itoa(MaxIDLen)+" letters, digits, '-' or '_'"))
		return "", false
	}
	return id, true
}

// ValidID reports whether id may name an order.
func ValidID(id string) bool {
	if id == "" || len(id) > MaxIDLen {
		return false
	}
	for _, c := range []byte(id) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// writeCacheable sends a GET representation with a validator: the ETag
// lets a cache (or the client) revalidate with If-None-Match and get 304
// Not Modified, no body, when nothing changed (RFC 9110 §13.1.2, §15.4.5).
func writeCacheable(w http.ResponseWriter, r *http.Request, v any) {
	b, _ := json.Marshal(v)
	b = append(b, '\n')
	etag := ETagOf(b)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache") // may be stored, must be revalidated
	if NoneMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}
