package orders

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
)

// Order is one order as the API stores and returns it.
type Order struct {
	ID   string `json:"id"`
	Item string `json:"item"`
	Qty  int    `json:"qty"`
}

// Store keeps the orders. Two implement it: [MemStore] (the default, lost
// when the process ends) and the SQLite database of [OpenDB]. A POST's id
// is the next number of a counter that only grows, so ids never repeat
// within one store, even after a DELETE (or, for the database, a restart).
//
// An error from a Store is a storage failure (the API answers 500); a
// refusal by Update's f is returned as f returned it.
type Store interface {
	// Create stores a new order under the next free numeric id.
	Create(ctx context.Context, item string, qty int) (Order, error)
	// Get returns the order with id.
	Get(ctx context.Context, id string) (Order, bool, error)
	// Put creates or replaces the order with id; created says which.
	Put(ctx context.Context, o Order) (created bool, err error)
	// Update applies f to the order with id and stores the result
	// atomically; found is false when there is no such order. When f
	// returns an error the order is left unchanged and that error is
	// returned.
	Update(ctx context.Context, id string, f func(*Order) error) (o Order, found bool, err error)
	// Delete removes the order with id and says whether it was there.
	Delete(ctx context.Context, id string) (bool, error)
	// List returns the orders (those with the given item, when item is not
	// empty) in id order: numeric ids first, by value.
	List(ctx context.Context, item string) ([]Order, error)
}

// ErrStorage marks a failure of the store itself (the disk, the database),
// as opposed to a request the store refused.
var ErrStorage = errors.New("storage failure")

// MemStore holds the orders in memory. Its methods are safe for concurrent
// use; every change happens under one lock, so a count read after a request
// finished is the server's true state.
type MemStore struct {
	mu     sync.Mutex
	orders map[string]Order
	next   int // numeric id of the next POST
}

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore { return &MemStore{orders: map[string]Order{}, next: 1} }

// Create implements [Store].
func (s *MemStore) Create(_ context.Context, item string, qty int) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		id := strconv.Itoa(s.next)
		s.next++
		if _, taken := s.orders[id]; !taken { // PUT may have used it
			o := Order{ID: id, Item: item, Qty: qty}
			s.orders[id] = o
			return o, nil
		}
	}
}

// Get implements [Store].
func (s *MemStore) Get(_ context.Context, id string) (Order, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	return o, ok, nil
}

// Put implements [Store].
func (s *MemStore) Put(_ context.Context, o Order) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, existed := s.orders[o.ID]
	s.orders[o.ID] = o
	return !existed, nil
}

// Update implements [Store].
func (s *MemStore) Update(_ context.Context, id string, f func(*Order) error) (Order, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return Order{}, false, nil
	}
	if err := f(&o); err != nil {
		return Order{}, true, err
	}
	o.ID = id
	s.orders[id] = o
	return o, true, nil
}

// Delete implements [Store].
func (s *MemStore) Delete(_ context.Context, id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.orders[id]
	delete(s.orders, id)
	return ok, nil
}

// List implements [Store].
func (s *MemStore) List(_ context.Context, item string) ([]Order, error) {
	s.mu.Lock()
	out := make([]Order, 0, len(s.orders))
	for _, o := range s.orders {
		if item == "" || o.Item == item {
			out = append(out, o)
		}
	}
	s.mu.Unlock()
	sortOrders(out)
	return out, nil
}

func sortOrders(out []Order) {
	slices.SortFunc(out, func(a, b Order) int { return compareIDs(a.ID, b.ID) })
}

func compareIDs(a, b string) int {
	na, ea := strconv.Atoi(a)
	nb, eb := strconv.Atoi(b)
	switch {
	case ea == nil && eb == nil:
		return na - nb
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
