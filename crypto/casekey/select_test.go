package casekey_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
)

func TestSelectReaders(t *testing.T) {
	o := newOrg(t, agekey.X25519, staff) // key kind is irrelevant to selection
	noConflict := newOrg(t, agekey.X25519, staff[:3], directory.RouteAVDHAS, directory.RouteWhistleblowing)
	tests := []struct {
		name      string
		dir       *directory.Directory
		channel   directory.RouteID
		authority bool
		excluded  []string
		want      []string
		wantRoute directory.RouteID
		wantErr   error
	}{
		{"avdhas", o.dir, directory.RouteAVDHAS, false, nil, []string{"alice", "bob"}, directory.RouteAVDHAS, nil},
		{"whistleblowing", o.dir, directory.RouteWhistleblowing, false, nil, []string{"bob", "carol"}, directory.RouteWhistleblowing, nil},
		{"authority involved", o.dir, directory.RouteAVDHAS, true, nil, []string{"dan", "erin"}, directory.RouteConflict, nil},
		{"authority involved, whistleblowing", o.dir, directory.RouteWhistleblowing, true, nil, []string{"dan", "erin"}, directory.RouteConflict, nil},
		{"one excluded", o.dir, directory.RouteAVDHAS, false, []string{"alice"}, []string{"bob"}, directory.RouteAVDHAS, nil},
		{"excluded twice", o.dir, directory.RouteAVDHAS, false, []string{"alice", "alice"}, []string{"bob"}, directory.RouteAVDHAS, nil},
		{"excluding someone of another route", o.dir, directory.RouteAVDHAS, false, []string{"carol"}, []string{"alice", "bob"}, directory.RouteAVDHAS, nil},
		{"whole route excluded falls back to conflict", o.dir, directory.RouteAVDHAS, false, []string{"alice", "bob"}, []string{"dan", "erin"}, directory.RouteConflict, nil},
		{"fallback keeps exclusions", o.dir, directory.RouteAVDHAS, false, []string{"alice", "bob", "dan"}, []string{"erin"}, directory.RouteConflict, nil},
		{"authority, one conflict referent excluded", o.dir, directory.RouteAVDHAS, true, []string{"dan"}, []string{"erin"}, directory.RouteConflict, nil},
		{"authority, conflict route emptied", o.dir, directory.RouteAVDHAS, true, []string{"dan", "erin"}, nil, "", casekey.ErrNoReaders},
		{"everyone excluded", o.dir, directory.RouteAVDHAS, false, []string{"alice", "bob", "dan", "erin"}, nil, "", casekey.ErrNoReaders},
		{"no conflict route to fall back to", noConflict.dir, directory.RouteAVDHAS, false, []string{"alice", "bob"}, nil, "", casekey.ErrNoReaders},
		{"no conflict route, authority involved", noConflict.dir, directory.RouteAVDHAS, true, nil, nil, "", casekey.ErrNoReaders},
		{"unknown excluded id", o.dir, directory.RouteAVDHAS, false, []string{"alice", "mallory"}, nil, "", casekey.ErrUnknownReferent},
		{"empty excluded id", o.dir, directory.RouteAVDHAS, false, []string{""}, nil, "", casekey.ErrUnknownReferent},
		{"conflict is not a channel", o.dir, directory.RouteConflict, false, nil, nil, "", casekey.ErrChannel},
		{"mistyped channel", o.dir, "avdhas ", false, nil, nil, "", casekey.ErrChannel},
		{"channel the directory does not offer", newOrg(t, agekey.X25519, staff[:1], directory.RouteAVDHAS, directory.RouteConflict).dir,
			directory.RouteWhistleblowing, false, nil, nil, "", casekey.ErrChannel},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, route, err := casekey.SelectReaders(tc.dir, tc.channel, tc.authority, tc.excluded)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				for _, x := range tc.excluded {
					if x != "" && strings.Contains(err.Error(), x) {
						t.Errorf("the error names excluded referent %q", x)
					}
				}
				return
			}
			var names []string
			for _, r := range got {
				names = append(names, r.ID)
			}
			if !slices.Equal(names, tc.want) || route != tc.wantRoute {
				t.Errorf("got %v via %q, want %v via %q", names, route, tc.want, tc.wantRoute)
			}
		})
	}
}
