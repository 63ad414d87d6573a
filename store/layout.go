package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bucket and key names; SPEC.md draws the tree.
var (
	bMeta   = []byte("meta")   // root: schema version
	kSchema = []byte("schema") // uint64

	bOrgs = []byte("orgs") // root: one bucket per organisation id

	// in an organisation's bucket
	kConfig      = []byte("config")            // JSON
	kDirectory   = []byte("directory")         // signed directory JSON
	kDirVersion  = []byte("directory-version") // uint64
	kUsage       = []byte("usage")             // uint64 (also in a case's bucket)
	bCases       = []byte("cases")             // lookup id -> CaseMeta JSON
	bContent     = []byte("content")           // lookup id -> case bucket
	bInvitations = []byte("invitations")       // invitation lookup id -> record
	bTombstones  = []byte("tombstones")        // lookup id -> tombstone JSON
	bPending     = []byte("pending")           // lookup id || file id -> began day
	bReaders     = []byte("readers")           // len(reader)(1) || reader || lookup id -> uint64 wraps held

	// in a case's bucket (besides the blob kinds and kUsage)
	bWraps  = []byte("wraps")  // generation(4) || len(role)(1) || role || reader -> ciphertext
	bFiles  = []byte("files")  // file id -> fileRecord JSON
	bChunks = []byte("chunks") // len(file id)(1) || file id || index(4) -> chunk bytes
	bAccess = []byte("access") // seq(8) -> accessRecord JSON
	// and the threads, named by their Thread value: seq(8) -> record
)

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func getU64(b *bolt.Bucket, k []byte) uint64 {
	v := b.Get(k)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return bytes.Clone(b)
}

func wrapKey(gen uint32, role Role, reader string) []byte {
	k := binary.BigEndian.AppendUint32(nil, gen)
	k = append(k, byte(len(role)))
	k = append(k, role...)
	return append(k, reader...)
}

func parseWrapKey(k []byte) (gen uint32, role Role, reader string, ok bool) {
	if len(k) < 5 || len(k) < 5+int(k[4]) {
		return 0, "", "", false
	}
	n := int(k[4])
	return binary.BigEndian.Uint32(k), Role(k[5 : 5+n]), string(k[5+n:]), true
}

func readerPrefix(reader string) []byte { return append([]byte{byte(len(reader))}, reader...) }

func readerKey(reader, id string) []byte { return append(readerPrefix(reader), id...) }

func parseReaderKey(k []byte) (reader, id string, ok bool) {
	if len(k) < 1 || len(k) != 1+int(k[0])+32 {
		return "", "", false
	}
	n := int(k[0])
	return string(k[1 : 1+n]), string(k[1+n:]), true
}

func chunkPrefix(file string) []byte { return append([]byte{byte(len(file))}, file...) }

func chunkKey(file string, index uint32) []byte {
	return binary.BigEndian.AppendUint32(chunkPrefix(file), index)
}

func parseChunkKey(k []byte) (file string, index uint32, ok bool) {
	if len(k) < 1 || len(k) != 1+int(k[0])+4 {
		return "", 0, false
	}
	n := int(k[0])
	return string(k[1 : 1+n]), binary.BigEndian.Uint32(k[1+n:]), true
}

// A record is a value made of a JSON header and a ciphertext:
// uint32 big-endian header length || header JSON || ciphertext.
func encodeRecord(header any, ciphertext []byte) ([]byte, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	v := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(h)+len(ciphertext)), uint32(len(h)))
	v = append(v, h...)
	return append(v, ciphertext...), nil
}

// splitRecord returns a record's header and ciphertext, aliasing v.
func splitRecord(v []byte) (header, ciphertext []byte, err error) {
	if len(v) < 4 {
		return nil, nil, fmt.Errorf("store: record shorter than its length prefix")
	}
	n := binary.BigEndian.Uint32(v)
	if uint64(n) > uint64(len(v)-4) {
		return nil, nil, fmt.Errorf("store: record header length beyond the record")
	}
	return v[4 : 4+n], v[4+n:], nil
}

// decodeStrict decodes one JSON value into dst, refusing unknown fields and
// trailing data.
func decodeStrict(b []byte, dst any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(dst); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("trailing data after JSON value")
	}
	return nil
}

// entryHeader is the JSON header of a thread entry.
type entryHeader struct {
	Author string `json:"author"`
	Time   string `json:"time"` // RFC 3339, UTC, whole minutes
}

const minuteLayout = "2006-01-02T15:04Z"

func decodeEntry(seq uint64, v []byte) (Entry, error) {
	h, ct, err := splitRecord(v)
	if err != nil {
		return Entry{}, err
	}
	var eh entryHeader
	if err := decodeStrict(h, &eh); err != nil {
		return Entry{}, fmt.Errorf("store: entry %d header: %v", seq, err)
	}
	t, err := time.Parse(minuteLayout, eh.Time)
	if err != nil {
		return Entry{}, fmt.Errorf("store: entry %d time: %v", seq, err)
	}
	return Entry{Seq: seq, Author: eh.Author, Time: t, Ciphertext: clone(ct)}, nil
}

// invitationRecord is the JSON header of an invitation; its key is the
// invitation's lookup id and its ciphertext follows.
type invitationRecord struct {
	WitnessCase string `json:"witness_case"`
	AuthHash    Hash   `json:"auth_hash"`
	CreatedDay  string `json:"created_day"`
	Redeemed    bool   `json:"redeemed"`
	VictimCase  string `json:"victim_case,omitempty"`
}

func decodeInvitation(id string, v []byte) (Invitation, error) {
	h, ct, err := splitRecord(v)
	if err != nil {
		return Invitation{}, err
	}
	var r invitationRecord
	if err := decodeStrict(h, &r); err != nil {
		return Invitation{}, fmt.Errorf("store: invitation record: %v", err)
	}
	inv := Invitation{ID: id, WitnessCase: r.WitnessCase, AuthHash: r.AuthHash,
		CreatedDay: r.CreatedDay, Redeemed: r.Redeemed, VictimCase: r.VictimCase}
	if len(ct) > 0 {
		inv.Ciphertext = clone(ct)
	}
	return inv, nil
}

func encodeInvitation(inv *Invitation) ([]byte, error) {
	return encodeRecord(invitationRecord{inv.WitnessCase, inv.AuthHash, inv.CreatedDay, inv.Redeemed, inv.VictimCase}, inv.Ciphertext)
}

// fileRecord is a file header as stored. Serial, unique per case bucket,
// lets CompleteFile notice that a file was deleted and declared again while
// it hashed the chunks. Before completion Size, SHA256 and Chunks are zero
// and MaxSize is reserved against the quotas; after, Size is.
type fileRecord struct {
	FileID   string `json:"file_id"`
	MaxSize  uint64 `json:"max_size"`
	Size     uint64 `json:"size"`
	SHA256   Hash   `json:"sha256"`
	Chunks   uint32 `json:"chunks"`
	BeganDay string `json:"began_day"`
	Complete bool   `json:"complete"`
	Serial   uint64 `json:"serial"`
}

func (r *fileRecord) header() FileHeader {
	return FileHeader{FileID: r.FileID, MaxSize: r.MaxSize, Size: r.Size, SHA256: r.SHA256,
		Chunks: r.Chunks, BeganDay: r.BeganDay, Complete: r.Complete}
}

// reserved is what the file counts against the quotas: its declared bound
// until it is complete, its size after.
func (r *fileRecord) reserved() uint64 {
	if r.Complete {
		return r.Size
	}
	return r.MaxSize
}

// check reports whether the record has a shape the store writes.
func (r *fileRecord) check() error {
	if err := checkFileID(r.FileID); err != nil {
		return err
	}
	if err := checkDay("file day", r.BeganDay, false); err != nil {
		return err
	}
	if err := checkMaxSize(r.MaxSize); err != nil {
		return err
	}
	if !r.Complete {
		if r.Size != 0 || r.Chunks != 0 || r.SHA256 != (Hash{}) {
			return fmt.Errorf("%w: incomplete file has a size, hash or chunk count", ErrInvalid)
		}
		return nil
	}
	if r.Size == 0 || r.Size > r.MaxSize || uint64(r.Chunks) != chunksFor(r.Size) {
		return fmt.Errorf("%w: complete file of %d bytes (at most %d) has %d chunks", ErrInvalid, r.Size, r.MaxSize, r.Chunks)
	}
	return nil
}

// tombstone is what DeleteCase leaves.
type tombstone struct {
	LookupID   string `json:"lookup_id"`
	DeletedDay string `json:"deleted_day"`
}

// accessRecord is an access log entry as stored; its key is its Seq.
type accessRecord struct {
	Referent string `json:"referent"`
	Time     string `json:"time"` // minuteLayout
	What     string `json:"what"`
}

func decodeAccess(seq uint64, v []byte) (Access, error) {
	var r accessRecord
	if err := decodeStrict(v, &r); err != nil {
		return Access{}, fmt.Errorf("store: access %d: %v", seq, err)
	}
	t, err := time.Parse(minuteLayout, r.Time)
	if err != nil {
		return Access{}, fmt.Errorf("store: access %d time: %v", seq, err)
	}
	return Access{Seq: seq, Referent: r.Referent, Time: t, What: r.What}, nil
}
