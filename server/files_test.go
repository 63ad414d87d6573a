package server

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/store"
)

// A chunk whose body stops before its Content-Length is refused, nothing
// is stored, and the file stays incomplete.
func TestTruncatedChunk(t *testing.T) {
	f := newFixture(t)
	e, rp := f.e, f.rp
	data := sealTo(t, rp.caseRecipient(), randomBytes(100_000))
	before := e.digest()

	conn, err := net.Dial("tcp", strings.TrimPrefix(e.ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: lanterne.test\r\nAuthorization: Bearer %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n",
		rp.path("/files/"+f.fileID+"/chunks/0"), rp.token, api.ChunkSize)
	conn.Write(data[:20_000])
	conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &response{status: resp.StatusCode, header: resp.Header}
	r.body, _ = readAll(resp)
	if r.status != http.StatusBadRequest {
		t.Errorf("truncated chunk: %d %s", r.status, r.body)
	}
	contains(t, "truncated chunk", r.errorText(t), "ended before")
	if e.digest() != before {
		t.Error("a truncated chunk changed the store")
	}
	st := e.reporterStatus(rp)
	if len(st.Files) != 1 || st.Files[0].Complete || st.Files[0].Chunks != 0 {
		t.Errorf("file after a truncated chunk: %+v", st.Files)
	}
	sum := sha256.Sum256(data)
	if r := e.do(req{method: "POST", path: rp.path("/files/" + f.fileID + "/complete"), token: rp.token, body: api.FileComplete{CiphertextSize: int64(len(data)), CiphertextSHA256: sum[:]}}); r.status != http.StatusConflict {
		t.Errorf("completing: %d", r.status)
	}
}

func readAll(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err := b.ReadFrom(resp.Body)
	return b.Bytes(), err
}

// Chunks are set once: the same bytes again are accepted, other bytes are
// refused; completion checks size and hash.
func TestChunkRetriesAndCompletion(t *testing.T) {
	f := newFixture(t)
	e, rp := f.e, f.rp
	data := sealTo(t, rp.caseRecipient(), randomBytes(100_000)) // two chunks
	put := func(n int, b []byte) *response {
		return e.do(req{method: "PUT", path: rp.path(fmt.Sprintf("/files/%s/chunks/%d", f.fileID, n)), token: rp.token, body: b, contentType: "application/octet-stream"})
	}
	for i := range 2 {
		if r := put(0, data[:api.ChunkSize]); r.status != http.StatusNoContent {
			t.Fatalf("chunk 0, try %d: %d %s", i, r.status, r.body)
		}
	}
	before := e.digest()
	other := bytes.Clone(data[:api.ChunkSize])
	other[100] ^= 1
	if r := put(0, other); r.status != http.StatusConflict {
		t.Errorf("other bytes at chunk 0: %d", r.status)
	}
	sum := sha256.Sum256(data)
	complete := func(size int, sum []byte) *response {
		return e.do(req{method: "POST", path: rp.path("/files/" + f.fileID + "/complete"), token: rp.token, body: api.FileComplete{CiphertextSize: int64(size), CiphertextSHA256: sum}})
	}
	if r := complete(len(data), sum[:]); r.status != http.StatusConflict {
		t.Errorf("completing without chunk 1: %d", r.status)
	}
	if e.digest() != before {
		t.Error("refused chunk or completion changed the store")
	}
	if r := put(1, data[api.ChunkSize:]); r.status != http.StatusNoContent {
		t.Fatalf("chunk 1: %d", r.status)
	}
	wrong := sha256.Sum256([]byte("other"))
	before = e.digest()
	if r := complete(len(data), wrong[:]); r.status != http.StatusConflict {
		t.Errorf("completing with another hash: %d", r.status)
	}
	if e.digest() != before {
		t.Error("a refused completion changed the store")
	}
	for range 2 { // completing twice is harmless
		if r := complete(len(data), sum[:]); r.status != http.StatusOK {
			t.Errorf("completing: %d %s", r.status, r.body)
		}
	}
	if r := put(2, data[:10]); r.status != http.StatusUnprocessableEntity && r.status != http.StatusConflict {
		t.Errorf("a chunk past a complete file: %d", r.status)
	}
}

// Thread pages follow "after" and "limit".
func TestThreadPages(t *testing.T) {
	f := newFixture(t)
	e, rp := f.e, f.rp
	for range 3 {
		e.must(req{method: "POST", path: rp.path("/messages"), token: rp.token, body: api.PostEntry{Ciphertext: sealTo(t, rp.caseRecipient(), []byte("m"))}}, http.StatusCreated, nil)
	}
	for _, tc := range []struct {
		query string
		seqs  []uint64
	}{{"", []uint64{1, 2, 3}}, {"?limit=2", []uint64{1, 2}}, {"?after=2", []uint64{3}}, {"?after=3", nil}, {"?after=1&limit=1", []uint64{2}}} {
		var page api.Entries
		e.must(req{method: "GET", path: rp.path("/messages") + tc.query, token: rp.token}, http.StatusOK, &page)
		var got []uint64
		for _, en := range page.Entries {
			got = append(got, en.Seq)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.seqs) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.seqs)
		}
	}
	if r := e.do(req{method: "GET", path: rp.path("/messages") + "?limit=1001", token: rp.token}); r.status != http.StatusBadRequest {
		t.Errorf("limit above the maximum: %d", r.status)
	}
}

// Files declared with the case are reserved with it and uploaded after.
func TestFilesDeclaredWithTheCase(t *testing.T) {
	e := newEnv(t)
	o := e.newOrg("ville-a")
	rp := e.newReporter(o, caseSpec{})
	data := sealTo(t, rp.caseRecipient(), randomBytes(1000))
	fileID := strings.Repeat("0f", 16)
	rp.nc.Files = []api.FileDecl{{FileID: fileID, MaxCiphertextSize: int64(len(data)) + 100}}
	sub := e.submit(rp)
	if len(sub.Files) != 1 || sub.Files[0].FileID != fileID || sub.Files[0].Complete {
		t.Fatalf("declared files: %+v", sub.Files)
	}
	e.must(req{method: "PUT", path: rp.path("/files/" + fileID + "/chunks/0"), token: rp.token, body: data, contentType: "application/octet-stream"}, http.StatusNoContent, nil)
	sum := sha256.Sum256(data)
	e.must(req{method: "POST", path: rp.path("/files/" + fileID + "/complete"), token: rp.token, body: api.FileComplete{CiphertextSize: int64(len(data)), CiphertextSHA256: sum[:]}}, http.StatusOK, nil)
}

// A write over the quota is 507 and changes nothing.
func TestQuota(t *testing.T) {
	e := newEnvWithStore(t, store.Options{MaxCaseBytes: 40_000})
	o := e.newOrg("ville-a")
	rp := e.newReporter(o, caseSpec{})
	e.submit(rp)
	msg := sealTo(t, rp.caseRecipient(), randomBytes(39_000))
	before := e.digest()
	r := e.do(req{method: "POST", path: rp.path("/messages"), token: rp.token, body: api.PostEntry{Ciphertext: msg}})
	if r.status != http.StatusInsufficientStorage {
		t.Fatalf("over quota: %d %s", r.status, r.body)
	}
	contains(t, "quota", r.errorText(t), "quota")
	if e.digest() != before {
		t.Error("the store changed")
	}
	if r := e.do(req{method: "POST", path: rp.path("/files"), token: rp.token, body: api.FileDecl{FileID: strings.Repeat("1a", 16), MaxCiphertextSize: 1 << 20}}); r.status != http.StatusInsufficientStorage {
		t.Errorf("file over quota: %d", r.status)
	}
}
