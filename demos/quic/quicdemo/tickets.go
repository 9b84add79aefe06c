package quicdemo

import (
	"context"
	"crypto/tls"
	"fmt"
	"time"
)

// ticketCache is a client session cache that tells when a session ticket
// has arrived. The server sends its ticket (TLS NewSessionTicket) after the
// handshake, in its own packet; a client that dials again too soon would
// find no ticket and do a full handshake, so we wait for it instead of
// sleeping.
type ticketCache struct {
	tls.ClientSessionCache
	got chan struct{}
}

func newTicketCache() *ticketCache {
	return &ticketCache{ClientSessionCache: tls.NewLRUClientSessionCache(8), got: make(chan struct{}, 1)}
}

// Put stores a ticket and signals it.
func (c *ticketCache) Put(key string, cs *tls.ClientSessionState) {
	c.ClientSessionCache.Put(key, cs)
	if cs != nil {
		select {
		case c.got <- struct{}{}:
		default:
		}
	}
}

// wait returns once a ticket is in the cache.
func (c *ticketCache) wait(ctx context.Context, limit time.Duration) error {
	if _, ok := c.ClientSessionCache.Get(serverName); ok {
		return nil
	}
	select {
	case <-c.got:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(limit):
		return fmt.Errorf("no session ticket from the server within %v", limit)
	}
}
