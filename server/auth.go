package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Bounds on the in-memory authentication state, so that a flood of
// requests cannot grow it without limit. Beyond them new sessions and
// challenges are refused with 429 until expired entries are swept.
const (
	maxSessions   = 100_000
	maxChallenges = 10_000
	maxAttempts   = 100_000
	sweepEvery    = time.Minute
)

// Attempt limiting: after freeFailures wrong secrets for one case or
// invitation, every further failure locks it for 2^(n-freeFailures+1)
// seconds (n failures so far), at most maxLockout; a success resets the
// count, and a count left alone for forgetAfter is forgotten.
const (
	freeFailures = 5
	maxLockout   = time.Hour
	forgetAfter  = time.Hour
)

type sessionKind int

const (
	reporterSession   sessionKind = iota + 1 // a case's reporter or victim
	invitationSession                        // a presumed victim reading an invitation
	referentSession                          // a referent of the organisation
)

// session is what a bearer token stands for.
type session struct {
	kind sessionKind
	org  string
	// subject is the case's lookup id (reporter), the invitation's lookup
	// id (invitation), or the referent id (referent).
	subject string
	// party is "reporter" or "victim" in a reporter session.
	party   string
	expires time.Time
}

type challenge struct {
	org, referent string
	expires       time.Time
}

type attempt struct {
	failures int
	until    time.Time // locked until
	last     time.Time // last failure
}

// authState holds sessions, login challenges and failure counts, all in
// memory: a restart logs everyone out, which is harmless (clients open a
// new session with what they hold).
type authState struct {
	mu         sync.Mutex
	sessions   map[[32]byte]*session // by SHA-256 of the token
	challenges map[[32]byte]*challenge
	attempts   map[string]*attempt
	lastSweep  time.Time
}

func newAuthState() *authState {
	return &authState{
		sessions:   map[[32]byte]*session{},
		challenges: map[[32]byte]*challenge{},
		attempts:   map[string]*attempt{},
	}
}

// sweep drops expired entries, at most once a minute (or when forced).
// The caller holds a.mu.
func (a *authState) sweep(now time.Time, force bool) {
	if !force && now.Sub(a.lastSweep) < sweepEvery {
		return
	}
	a.lastSweep = now
	for k, s := range a.sessions {
		if !now.Before(s.expires) {
			delete(a.sessions, k)
		}
	}
	for k, c := range a.challenges {
		if !now.Before(c.expires) {
			delete(a.challenges, k)
		}
	}
	for k, at := range a.attempts {
		if now.After(at.until) && now.Sub(at.last) > forgetAfter {
			delete(a.attempts, k)
		}
	}
}

var errBusy = &apiError{status: http.StatusTooManyRequests, msg: "the server is busy, try again in a minute", retryAfter: 60}

// newSession stores s and returns its token.
func (a *authState) newSession(s session, now time.Time) (string, error) {
	var raw [32]byte
	rand.Read(raw[:])
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sweep(now, false)
	if len(a.sessions) >= maxSessions {
		a.sweep(now, true)
		if len(a.sessions) >= maxSessions {
			return "", errBusy
		}
	}
	a.sessions[sha256.Sum256([]byte(tok))] = &s
	return tok, nil
}

// bearer returns the session of the request's bearer token.
func (a *authState) bearer(r *http.Request, now time.Time) (session, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return session{}, errNoSession
	}
	key := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[key]
	if !ok {
		return session{}, errBadSession
	}
	if !now.Before(s.expires) {
		delete(a.sessions, key)
		return session{}, errBadSession
	}
	return *s, nil
}

// newChallenge stores a fresh single-use nonce for referent of org.
func (a *authState) newChallenge(org, referent string, now, expires time.Time) ([]byte, error) {
	nonce := make([]byte, 32)
	rand.Read(nonce)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sweep(now, false)
	if len(a.challenges) >= maxChallenges {
		a.sweep(now, true)
		if len(a.challenges) >= maxChallenges {
			return nil, errBusy
		}
	}
	a.challenges[sha256.Sum256(nonce)] = &challenge{org: org, referent: referent, expires: expires}
	return nonce, nil
}

// takeChallenge removes the nonce, whatever happens next, and returns what
// it was issued for.
func (a *authState) takeChallenge(nonce []byte) (challenge, bool) {
	key := sha256.Sum256(nonce)
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.challenges[key]
	if !ok {
		return challenge{}, false
	}
	delete(a.challenges, key)
	return *c, true
}

// locked returns the apiError to answer while key is locked, or nil.
func (a *authState) locked(key string, now time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	at, ok := a.attempts[key]
	if !ok || !now.Before(at.until) {
		return nil
	}
	secs := int((at.until.Sub(now) + time.Second - 1) / time.Second)
	return &apiError{status: http.StatusTooManyRequests, msg: "too many wrong attempts: wait before trying again", retryAfter: max(secs, 1)}
}

// failed counts a wrong secret for key.
func (a *authState) failed(key string, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sweep(now, false)
	at, ok := a.attempts[key]
	if !ok {
		if len(a.attempts) >= maxAttempts {
			a.sweep(now, true)
		}
		if len(a.attempts) >= maxAttempts {
			// Full of recent failures: count nothing new rather than
			// forget the locks already set.
			return
		}
		at = &attempt{}
		a.attempts[key] = at
	}
	at.failures++
	at.last = now
	if n := at.failures - freeFailures; n >= 0 {
		lock := maxLockout
		if n < 12 {
			lock = min(maxLockout, time.Duration(1<<(n+1))*time.Second)
		}
		at.until = now.Add(lock)
	}
}

// succeeded resets key's count.
func (a *authState) succeeded(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.attempts, key)
}
