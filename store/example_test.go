package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"hash"
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

// chunkSender stands for a phone uploading evidence: it sends each
// MaxChunkSize bytes of ciphertext as soon as age has produced them.
type chunkSender struct {
	ctx           context.Context
	s             store.Store
	org, id, file string
	buf           []byte
	next          uint32
	size          uint64
	sum           hash.Hash
	err           error
}

func (c *chunkSender) Write(p []byte) (int, error) {
	c.sum.Write(p)
	c.size += uint64(len(p))
	for _, b := range p {
		c.buf = append(c.buf, b)
		if len(c.buf) == store.MaxChunkSize {
			c.flush()
		}
	}
	return len(p), c.err
}

func (c *chunkSender) flush() {
	if len(c.buf) > 0 && c.err == nil {
		c.err = c.s.PutChunk(c.ctx, c.org, c.id, c.file, c.next, c.buf)
		c.next, c.buf = c.next+1, c.buf[:0]
	}
}

// An evidence file is declared with an upper bound on its ciphertext, sent
// while it is encrypted, and completed with the size and SHA-256 known only
// at the end.
func ExampleBoltStore_CompleteFile() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "lanterne")
	defer os.RemoveAll(dir)
	s, err := store.Open(filepath.Join(dir, "lanterne.db"), store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	caseKey, _ := age.GenerateX25519Identity()
	s.PutOrgConfig(ctx, "cdg-69", []byte(`{}`))
	id := "5f0c2a9d8e7b6a5f4e3d2c1b0a998877"
	report := seal(caseKey.Recipient(), "the report frame")
	_, err = s.CreateCase(ctx, "cdg-69", store.NewCase{
		Meta:  store.CaseMeta{LookupID: id, CreatedDay: "2026-11-23"},
		Blobs: map[store.BlobKind][]byte{store.BlobReport: report},
	})
	if err != nil {
		log.Fatal(err)
	}

	video := bytes.Repeat([]byte("frame "), 50000) // 300,000 bytes
	file := "00112233445566778899aabbccddeeff"
	maxSize := uint64(len(video)) + 4096 // the client's bound on age's overhead
	err = s.BeginFile(ctx, "cdg-69", id, store.FileHeader{FileID: file, MaxSize: maxSize, BeganDay: "2026-11-23"})
	if err != nil {
		log.Fatal(err)
	}
	up := &chunkSender{ctx: ctx, s: s, org: "cdg-69", id: id, file: file, sum: sha256.New()}
	w, _ := age.Encrypt(up, caseKey.Recipient())
	w.Write(video)
	w.Close()
	up.flush()
	if up.err != nil {
		log.Fatal(up.err)
	}
	o, _ := s.Org(ctx, "cdg-69")
	fmt.Println("while uploading, counted:", o.Bytes-uint64(len(report)))
	err = s.CompleteFile(ctx, "cdg-69", id, file, up.size, store.Hash(up.sum.Sum(nil)))
	if err != nil {
		log.Fatal(err)
	}
	files, _ := s.Files(ctx, "cdg-69", id)
	fmt.Println("complete:", files[0].Complete, files[0].Size, "bytes in", files[0].Chunks, "chunks")
	o, _ = s.Org(ctx, "cdg-69")
	fmt.Println("once complete, counted:", o.Bytes-uint64(len(report)))
	// Output:
	// while uploading, counted: 304096
	// complete: true 300264 bytes in 5 chunks
	// once complete, counted: 300264
}
