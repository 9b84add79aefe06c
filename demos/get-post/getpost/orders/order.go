package orders

import (
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

// Store holds the orders in memory. Its methods are safe for concurrent use;
// every change happens under one lock, so a count read after a request
// finished is the server's true state.
type Store struct {
	mu     sync.Mutex
	orders map[string]Order
	next   int // numeric id of the next POST
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{orders: map[string]Order{}, next: 1} }

// Create stores a new order under the next free numeric id.
func (s *Store) Create(item string, qty int) Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		id := strconv.Itoa(s.next)
		s.next++
		if _, taken := s.orders[id]; !taken { // PUT may have used it
			o := Order{ID: id, Item: item, Qty: qty}
			s.orders[id] = o
			return o
		}
	}
}

// Get returns the order with id.
func (s *Store) Get(id string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	return o, ok
}

// Put creates or replaces the order with id; created says which.
func (s *Store) Put(o Order) (created bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, existed := s.orders[o.ID]
	s.orders[o.ID] = o
	return !existed
}

// Update applies f to the order with id under the lock and stores the
// result; ok is false when there is no such order. f returns an error to
// leave the order unchanged.
func (s *Store) Update(id string, f func(*Order) error) (Order, bool, error) {
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

// Delete removes the order with id and says whether it was there.
func (s *Store) Delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.orders[id]
	delete(s.orders, id)
	return ok
}

// List returns the orders (those with the given item, when item is not
// empty) in id order: numeric ids first, by value.
func (s *Store) List(item string) []Order {
	s.mu.Lock()
	out := make([]Order, 0, len(s.orders))
	for _, o := range s.orders {
		if item == "" || o.Item == item {
			out = append(out, o)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Order) int { return compareIDs(a.ID, b.ID) })
	return out
}

// Len is the number of orders.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.orders)
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
