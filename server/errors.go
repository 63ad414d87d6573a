package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"github.com/lanterne/lanterne/store"
)

// apiError is a failure the client is told about: an HTTP status and a
// message written by the server, never one that carries stored bytes or a
// secret.
type apiError struct {
	status     int
	msg        string
	retryAfter int // seconds, for 429
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.status, e.msg) }

func errorf(status int, format string, a ...any) error {
	return &apiError{status: status, msg: fmt.Sprintf(format, a...)}
}

// Errors that more than one handler returns.
var (
	errNoOrg      = errorf(http.StatusNotFound, "no such organisation")
	errNoCase     = errorf(http.StatusNotFound, "no such case")
	errNoFile     = errorf(http.StatusNotFound, "no such file")
	errNoDir      = errorf(http.StatusConflict, "the organisation has not published its directory yet")
	errBadCode    = errorf(http.StatusUnauthorized, "unknown case or wrong code")
	errBadInvite  = errorf(http.StatusUnauthorized, "unknown invitation or wrong code")
	errNoSession  = errorf(http.StatusUnauthorized, "missing bearer token (Authorization: Bearer TOKEN)")
	errBadSession = errorf(http.StatusUnauthorized, "session unknown or expired: open a new session")
	errWrongScope = errorf(http.StatusUnauthorized, "this session is not valid for this address")
	errQuota      = errorf(http.StatusInsufficientStorage, "storage quota exceeded")
	errInternal   = errorf(http.StatusInternalServerError, "internal server error")
)

// storeError translates a store error into what the client is told;
// notFound is the answer to ErrNotFound (errNoCase when nil). Errors the
// store does not document are returned as they are, and become a generic
// 500 (their text may name identifiers: it is logged redacted only).
func storeError(err error, notFound error) error {
	var ae *apiError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, store.ErrNotFound):
		if notFound == nil {
			notFound = errNoCase
		}
		return notFound
	case errors.Is(err, store.ErrQuota):
		return errQuota
	case errors.Is(err, store.ErrExists):
		return errorf(http.StatusConflict, "already stored with other content")
	case errors.Is(err, store.ErrIncomplete):
		return errorf(http.StatusConflict, "the file still misses chunks")
	case errors.Is(err, store.ErrConflict):
		return errorf(http.StatusConflict, "conflicts with what is stored")
	case errors.Is(err, store.ErrStaleVersion):
		return errorf(http.StatusConflict, "a newer or equal version is already stored")
	case errors.Is(err, store.ErrInvalid):
		return errorf(http.StatusUnprocessableEntity, "refused by the storage: malformed value")
	}
	return err
}

// hexRun matches what may be an identifier (a lookup id, a file id, a
// token) in an internal error's text, which is redacted before logging.
var hexRun = regexp.MustCompile(`[0-9A-Za-z_\-]{16,}`)

func redact(err error) string {
	if errors.Is(err, context.Canceled) {
		return "context canceled"
	}
	return hexRun.ReplaceAllString(err.Error(), "…")
}
