package store

import (
	"bytes"
	"slices"
	"testing"
)

func TestOrgConfig(t *testing.T) {
	s := openStore(t, Options{})
	tests := []struct {
		name   string
		org    string
		config string
		want   error
	}{
		{"new organisation", "mairie-lyon", `{"name":"Lyon"}`, nil},
		{"replace config", "mairie-lyon", `{"name":"Ville de Lyon"}`, nil},
		{"not JSON", "mairie-lyon", `name=Lyon`, ErrInvalid},
		{"upper case id", "Mairie", `{}`, ErrInvalid},
		{"leading hyphen", "-x", `{}`, ErrInvalid},
		{"empty id", "", `{}`, ErrInvalid},
		{"id too long", string(bytes.Repeat([]byte("a"), 64)), `{}`, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, s.PutOrgConfig(ctx, tt.org, []byte(tt.config)), tt.want)
		})
	}
	o, err := s.Org(ctx, "mairie-lyon")
	if err != nil {
		t.Fatal(err)
	}
	if string(o.Config) != `{"name":"Ville de Lyon"}` || o.Directory != nil || o.DirectoryVersion != 0 || o.Bytes != 0 {
		t.Errorf("Org = %+v", o)
	}
	_, err = s.Org(ctx, "nowhere")
	wantErr(t, err, ErrNotFound)
	orgs, err := s.Orgs(ctx)
	if err != nil || !slices.Equal(orgs, []string{testOrg, "mairie-lyon"}) {
		t.Errorf("Orgs = %v, %v", orgs, err)
	}
}

func TestPutDirectory(t *testing.T) {
	s := openStore(t, Options{})
	steps := []struct {
		name    string
		org     string
		version uint64
		signed  string
		want    error
	}{
		{"version 0 is never above the stored one", testOrg, 0, `{"v":0}`, ErrStaleVersion},
		{"first directory", testOrg, 1, `{"v":1}`, nil},
		{"same version again", testOrg, 1, `{"v":1}`, ErrStaleVersion},
		{"skip ahead", testOrg, 3, `{"v":3}`, nil},
		{"rollback", testOrg, 2, `{"v":2}`, ErrStaleVersion},
		{"not JSON", testOrg, 4, `v4`, ErrInvalid},
		{"unknown organisation", "nowhere", 1, `{}`, ErrNotFound},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			wantErr(t, s.PutDirectory(ctx, st.org, st.version, []byte(st.signed)), st.want)
		})
	}
	o, err := s.Org(ctx, testOrg)
	if err != nil || o.DirectoryVersion != 3 || string(o.Directory) != `{"v":3}` {
		t.Errorf("Org = %+v, %v", o, err)
	}
}
