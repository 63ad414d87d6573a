package casekey

import (
	"errors"
	"fmt"

	"github.com/lanterne/lanterne/crypto/directory"
)

// Errors of SelectReaders.
var (
	// ErrNoReaders: once the excluded referents are removed, neither the
	// chosen route nor the conflict route has anyone left.
	ErrNoReaders = errors.New("casekey: no referent is left to read this report")
	// ErrUnknownReferent: an excluded id names no referent of the directory.
	ErrUnknownReferent = errors.New("casekey: an excluded referent is not in the directory")
	// ErrChannel: the channel is not avdhas or whistleblowing, or the
	// directory does not offer it.
	ErrChannel = errors.New("casekey: the directory does not offer this channel")
)

// SelectReaders picks the referents a new case is wrapped to, and returns them
// (in directory order) with the route actually used:
//
//  1. the route is the channel's, or the conflict route when the facts
//     involve the authority;
//  2. the excluded referents are removed;
//  3. if nobody is left, the conflict route minus the excluded is used;
//  4. if still nobody, ErrNoReaders, before anything is encrypted.
//
// channel must be directory.RouteAVDHAS or directory.RouteWhistleblowing and
// listed in d.Routes: a report never picks the conflict route by name, and a
// mistyped channel must not fall back silently. Every excluded id must name a
// referent of d (ErrUnknownReferent otherwise, giving its position, not the
// id): an unknown id means the device shows another directory than the one it
// encrypts to, and the person the reporter excluded may be listed again under
// a new id, so SelectReaders refuses rather than guess. d must already be
// verified (directory.Verify).
func SelectReaders(d *directory.Directory, channel directory.RouteID, involvesAuthority bool, excluded []string) ([]directory.Referent, directory.RouteID, error) {
	if channel != directory.RouteAVDHAS && channel != directory.RouteWhistleblowing || !offers(d, channel) {
		return nil, "", ErrChannel
	}
	out := make(map[string]bool, len(excluded))
	for i, id := range excluded {
		if d.Referent(id) == nil {
			return nil, "", fmt.Errorf("%w (excluded entry %d)", ErrUnknownReferent, i+1)
		}
		out[id] = true
	}
	route := channel
	if involvesAuthority {
		route = directory.RouteConflict
	}
	readers := members(d, route, out)
	if len(readers) == 0 && route != directory.RouteConflict {
		route = directory.RouteConflict
		readers = members(d, route, out)
	}
	if len(readers) == 0 {
		return nil, "", ErrNoReaders
	}
	return readers, route, nil
}

// offers reports whether d lists the route.
func offers(d *directory.Directory, route directory.RouteID) bool {
	for _, r := range d.Routes {
		if r.ID == route {
			return true
		}
	}
	return false
}

// members returns the referents of d who serve route and are not excluded. A
// route d does not list has no members.
func members(d *directory.Directory, route directory.RouteID, excluded map[string]bool) []directory.Referent {
	if !offers(d, route) {
		return nil
	}
	var out []directory.Referent
	for i := range d.Referents {
		r := &d.Referents[i]
		if r.Serves(route) && !excluded[r.ID] {
			out = append(out, *r)
		}
	}
	return out
}
