package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"filippo.io/age"

	"github.com/lanterne/lanterne/store"
)

// seal stands for the client: the store only ever receives age ciphertext.
func seal(r age.Recipient, plaintext string) []byte {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprint(w, plaintext)
	w.Close()
	return buf.Bytes()
}

func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "lanterne")
	defer os.RemoveAll(dir)
	s, err := store.Open(filepath.Join(dir, "lanterne.db"), store.Options{MaxCaseBytes: 100 << 20})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	caseKey, _ := age.GenerateX25519Identity()
	if err := s.PutOrgConfig(ctx, "cdg-69", []byte(`{"name":"CDG 69"}`)); err != nil {
		log.Fatal(err)
	}
	id := "5f0c2a9d8e7b6a5f4e3d2c1b0a998877"
	m, err := s.CreateCase(ctx, "cdg-69", store.NewCase{
		Meta: store.CaseMeta{
			LookupID:   id,
			Route:      "avdhas",
			Channel:    "avdhas",
			Status:     "received",
			CreatedDay: "2026-11-23",
			AuthHash:   sha256.Sum256([]byte("lanterne/v1/auth-hash" + "secret")),
		},
		Blobs: map[store.BlobKind][]byte{store.BlobReport: seal(caseKey.Recipient(), "the report frame")},
		Wraps: []store.Wrap{{Reader: "alice", Role: store.RoleCase, Generation: 1,
			Ciphertext: seal(caseKey.Recipient(), caseKey.String())}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("case version", m.Version)

	sent := time.Date(2026, 11, 23, 10, 4, 37, 0, time.UTC)
	e, err := s.Append(ctx, "cdg-69", id, store.Messages, store.Entry{
		Author: store.AuthorReporter, Time: sent, Ciphertext: seal(caseKey.Recipient(), "a message frame"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("message", e.Seq, "at", e.Time.Format(time.RFC3339))

	_, err = s.Append(ctx, "cdg-69", id, store.Messages, store.Entry{
		Author: store.AuthorReporter, Time: sent, Ciphertext: []byte("plaintext"),
	})
	fmt.Println(err)
	// Output:
	// case version 1
	// message 1 at 2026-11-23T10:04:00Z
	// store: invalid argument: entry is not an age ciphertext
}
