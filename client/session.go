package client

import (
	"context"
	"net/http"
	"sync"
)

// session is an authenticated conversation with the server: a bearer token
// and the means to get a new one when it expires (401).
type session struct {
	c     *Client
	renew func(ctx context.Context) (string, error)

	mu    sync.Mutex
	token string
}

func (s *session) currentToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}

// refresh gets a new token, unless another call already replaced old.
func (s *session) refresh(ctx context.Context, old string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != old {
		return s.token, nil
	}
	tok, err := s.renew(ctx)
	if err != nil {
		return "", err
	}
	s.token = tok
	return tok, nil
}

// do is Client.do with the session's token, renewed once on 401.
func (s *session) do(ctx context.Context, r request) error {
	r.token = s.currentToken()
	err := s.c.do(ctx, r)
	if !IsStatus(err, http.StatusUnauthorized) || s.renew == nil {
		return err
	}
	if r.token, err = s.refresh(ctx, r.token); err != nil {
		return err
	}
	return s.c.do(ctx, r)
}

// send is Client.send with the session's token, renewed once on 401.
func (s *session) send(ctx context.Context, r request) (*http.Response, error) {
	r.token = s.currentToken()
	resp, err := s.c.send(ctx, r)
	if !IsStatus(err, http.StatusUnauthorized) || s.renew == nil {
		return resp, err
	}
	if r.token, err = s.refresh(ctx, r.token); err != nil {
		return nil, err
	}
	return s.c.send(ctx, r)
}
