//go:build js && wasm

package main

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/crypto/scrub"
	"github.com/lanterne/lanterne/crypto/scrub/pdfscrub"
)

// errorCode names an error for the page, which translates it. The list is
// the contract with server/web/static/app.js (its errors table).
func errorCode(err error) string {
	var ae *client.APIError
	var ue *url.Error
	switch {
	case errors.Is(err, errBadArgument):
		return "bad_argument"
	case errors.Is(err, errNoDirectory):
		return "no_directory"
	case errors.Is(err, directory.ErrWrongOrganisation):
		return "fingerprint_mismatch"
	case errors.Is(err, directory.ErrInvalidFingerprint):
		return "fingerprint_invalid"
	case errors.Is(err, directory.ErrExpired), errors.Is(err, directory.ErrNotYetValid):
		return "directory_time"
	case errors.Is(err, directory.ErrRollback):
		return "directory_rollback"
	case errors.Is(err, directory.ErrBadSignature), errors.Is(err, directory.ErrBrokenChain), errors.Is(err, directory.ErrMalformed):
		return "directory_invalid"
	case errors.Is(err, casecode.ErrLength), errors.Is(err, casecode.ErrTypo), errors.Is(err, casecode.ErrInvalidCharacter):
		return "code_invalid"
	case errors.Is(err, casekey.ErrNoReaders):
		return "no_readers"
	case errors.Is(err, casekey.ErrUnknownReferent), errors.Is(err, casekey.ErrChannel):
		return "directory_changed"
	case errors.Is(err, pdfscrub.ErrEncrypted):
		return "pdf_encrypted"
	case errors.Is(err, pdfscrub.ErrNotPDF), errors.Is(err, pdfscrub.ErrTooLarge), errors.Is(err, scrub.ErrCorrupt):
		return "file_unreadable"
	case errors.Is(err, envelope.ErrInvalid):
		return "invalid_input"
	case errors.As(err, &ae):
		switch ae.Status {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
			return "code_unknown"
		case http.StatusTooManyRequests:
			return "too_many_attempts"
		case http.StatusRequestEntityTooLarge, http.StatusInsufficientStorage:
			return "too_large"
		case http.StatusConflict:
			return "conflict"
		}
		return "server"
	case errors.As(err, &ue):
		return "network" // fetch failed: offline, server down, connection cut
	}
	return "failed"
}

// readAll reads r, failing beyond limit bytes.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errors.New("lanterne: the server's answer is too large")
	}
	return b, nil
}
