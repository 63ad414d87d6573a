package store

import (
	"encoding/hex"
	"fmt"
	"time"
)

// MaxChunkSize is the size of every evidence chunk but a file's last, which
// is shorter or equal.
const MaxChunkSize = 64 << 10

// MaxValueSize bounds every other single value (a blob, a wrap, a thread
// entry, an invitation, an organisation's config or directory). Envelope
// frames are at most 4 MiB before age's overhead.
const MaxValueSize = 8 << 20

// Hash is a SHA-256 digest. Its JSON form is 64 lowercase hex characters.
type Hash [32]byte

// MarshalText implements encoding.TextMarshaler.
func (h Hash) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h[:])), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (h *Hash) UnmarshalText(b []byte) error {
	if len(b) != 64 || !isLowerHex(string(b)) {
		return fmt.Errorf("%w: hash is not 64 lowercase hex characters", ErrInvalid)
	}
	_, err := hex.Decode(h[:], b)
	return err
}

// Org is an organisation as stored.
type Org struct {
	ID               string
	Config           []byte // JSON owned by the server
	Directory        []byte // the signed directory, JSON; nil before the first PutDirectory
	DirectoryVersion uint64 // 0 before the first PutDirectory
	Bytes            uint64 // ciphertext bytes counted against Options.MaxOrgBytes
}

// CaseMeta is the only metadata the store keeps about a case, serialised
// with encoding/json. Together with the organisation config, file headers,
// thread entry headers, invitation records, tombstones and counters, it is
// one of the few value shapes that are not age ciphertext (see Item.Check).
// It holds no time finer than a day, no network or device detail and no
// plaintext of the report.
type CaseMeta struct {
	LookupID string `json:"lookup_id"`
	Route    string `json:"route"`   // directory route id
	Channel  string `json:"channel"` // "avdhas" or "whistleblowing"
	Status   string `json:"status"`  // workflow status
	// CreatedDay is the civil date of receipt, "YYYY-MM-DD".
	CreatedDay string `json:"created_day"`
	// AuthHash is SHA-256("lanterne/v1/auth-hash" || auth secret).
	AuthHash Hash `json:"auth_hash"`
	// ReporterRecipient is the reporter's age public key.
	ReporterRecipient string    `json:"reporter_recipient"`
	Flags             Flags     `json:"flags"`
	Deadlines         Deadlines `json:"deadlines"`
	// Days are the days the workflow's obligations were met.
	Days          Days           `json:"days,omitzero"`
	StatusHistory []StatusChange `json:"status_history,omitempty"`
	Read          ReadReceipts   `json:"read"`
	// LinkedCase is the victim thread of a witness case, or the witness case
	// of a victim thread. The store sets it when an invitation is redeemed.
	LinkedCase string `json:"linked_case,omitempty"`
	// Invitation is the lookup id of the invitation this case issued. The
	// store sets it.
	Invitation  string      `json:"invitation,omitempty"`
	Generations Generations `json:"generations"`
	// Version counts stored versions of this meta, from 1; UpdateCase
	// refuses a meta whose Version is not the stored one.
	Version uint64 `json:"version"`
}

// IdentityState is where the reporter's identity stands.
type IdentityState string

// Identity states; the zero value means no identity envelope was given.
const (
	IdentityNone      IdentityState = ""
	IdentitySealed    IdentityState = "sealed"    // envelope stored, no release
	IdentityRequested IdentityState = "requested" // a referent asked for it
	IdentityReleased  IdentityState = "released"  // the reporter released it
)

// Consent is the presumed victim's answer on a witness case, as a referent
// recorded it.
type Consent string

// Consent answers; the zero value means no answer was recorded.
const (
	ConsentNone    Consent = ""
	ConsentGiven   Consent = "given"
	ConsentRefused Consent = "refused"
)

// Flags are the case's yes/no workflow facts.
type Flags struct {
	WitnessAwaitingConsent bool          `json:"witness_awaiting_consent,omitempty"`
	MeetingRequested       bool          `json:"meeting_requested,omitempty"`
	Identity               IdentityState `json:"identity,omitempty"`
	// Witness marks a witness's case (handling awaits the presumed
	// victim's consent); it stays set after the answer.
	Witness bool `json:"witness,omitempty"`
	// VictimThread marks a presumed victim's thread, made by redeeming a
	// witness's invitation: its reporter side is the reader "victim".
	VictimThread bool    `json:"victim_thread,omitempty"`
	Consent      Consent `json:"consent,omitempty"`
}

// Days are the civil dates "YYYY-MM-DD" on which the workflow's
// obligations were met, empty until then.
type Days struct {
	Acknowledged  string `json:"acknowledged,omitempty"`
	FeedbackGiven string `json:"feedback_given,omitempty"` // first orientation or closure
	MeetingHeld   string `json:"meeting_held,omitempty"`
	Closed        string `json:"closed,omitempty"`
}

// Deadlines are civil dates "YYYY-MM-DD", empty when not applicable.
type Deadlines struct {
	AckDue            string `json:"ack_due,omitempty"`
	FeedbackDue       string `json:"feedback_due,omitempty"`
	MeetingDue        string `json:"meeting_due,omitempty"`
	TargetInformedDue string `json:"target_informed_due,omitempty"`
}

// StatusChange records that a case reached Status on Day ("YYYY-MM-DD").
type StatusChange struct {
	Status string `json:"status"`
	Day    string `json:"day"`
}

// ReadReceipts hold the last Seq of the messages thread read by the
// reporter's side and by each referent (by referent id).
type ReadReceipts struct {
	Reporter  uint64            `json:"reporter,omitempty"`
	Referents map[string]uint64 `json:"referents,omitempty"`
}

// Generations are the current generations of the case key and of the staff
// key (0: no staff key yet).
type Generations struct {
	Case  uint32 `json:"case"`
	Staff uint32 `json:"staff,omitempty"`
}

// BlobKind names one of a case's set-once ciphertexts.
type BlobKind string

// The per-case ciphertexts.
const (
	BlobReport     BlobKind = "report"     // the report envelope (required)
	BlobIdentity   BlobKind = "identity"   // the identity envelope
	BlobRelease    BlobKind = "release"    // the identity release
	BlobInvitation BlobKind = "invitation" // the invitation envelope, for the case's readers
)

func (k BlobKind) valid() bool {
	switch k {
	case BlobReport, BlobIdentity, BlobRelease, BlobInvitation:
		return true
	}
	return false
}

// Role says which per-case key a wrap carries.
type Role string

// Wrap roles.
const (
	RoleCase  Role = "case"  // the case key
	RoleStaff Role = "staff" // the staff key (referents only)
)

// Wrap is one per-case key, of one generation, age-encrypted to one reader.
type Wrap struct {
	Reader     string // "reporter", "victim" or a referent id
	Role       Role
	Generation uint32 // from 1
	Ciphertext []byte
}

// Thread names one of a case's two append-only threads.
type Thread string

// The threads.
const (
	Messages Thread = "messages" // reporter (or victim) and referents
	Notes    Thread = "notes"    // referents only
)

// The authors that are not referent ids.
const (
	AuthorReporter = "reporter"
	AuthorVictim   = "victim"
)

// Entry is one item of a thread.
type Entry struct {
	Seq        uint64    // assigned by the store, from 1
	Author     string    // AuthorReporter, AuthorVictim or a referent id
	Time       time.Time // minute precision, UTC
	Ciphertext []byte
}

// FileHeader describes an evidence file. It is declared before the upload
// with only an upper bound on its ciphertext size (MaxSize): the client
// encrypts while it uploads, so the exact size and SHA-256 are known only at
// the end, and CompleteFile records them.
type FileHeader struct {
	FileID string
	// MaxSize bounds the ciphertext size; BeginFile reserves it against the
	// quotas, CompleteFile gives back MaxSize - Size.
	MaxSize uint64
	// Size, SHA256 and Chunks (ceil(Size / MaxChunkSize)) describe the
	// ciphertext once the file is complete; they are zero before, and
	// BeginFile ignores them.
	Size     uint64
	SHA256   Hash
	Chunks   uint32
	BeganDay string // "YYYY-MM-DD"
	Complete bool   // set by CompleteFile; ignored by BeginFile
	// Stored is the number of chunks stored so far (Chunks once the file
	// is complete). Files fills it in; BeginFile ignores it.
	Stored uint32
}

// PendingFile names an incomplete file.
type PendingFile struct {
	Case     string
	FileID   string
	BeganDay string
}

// Invitation is a witness's invitation to the presumed victim.
type Invitation struct {
	ID          string // the invitation's lookup id
	WitnessCase string // lookup id of the case that issued it
	// AuthHash is SHA-256("lanterne/v1/auth-hash" || auth secret) of the
	// invitation code.
	AuthHash Hash
	// Ciphertext is the sealed invitation (kind-6 frame). The store drops
	// it when the invitation is redeemed.
	Ciphertext []byte
	CreatedDay string // "YYYY-MM-DD"
	Redeemed   bool
	VictimCase string // lookup id of the victim thread, once redeemed
}

// NewCase is everything CreateCase stores at once.
type NewCase struct {
	Meta CaseMeta
	// Blobs must hold BlobReport; the other kinds are optional.
	Blobs map[BlobKind][]byte
	Wraps []Wrap
	// Invitation, if set, is issued by this case (a witness's): it is
	// stored and Meta.Invitation points to it.
	Invitation *Invitation
	// Redeems, if set, is the lookup id of an unredeemed invitation this
	// case (a victim thread) redeems: the invitation is marked redeemed,
	// loses its ciphertext, and the two cases are linked both ways.
	Redeems string
	// Files are evidence files declared with the case, each as BeginFile
	// declares one (FileID, MaxSize, BeganDay), reserved in the same
	// transaction.
	Files []FileHeader
}

// Access records that a referent fetched a case's content: who, when (to
// the minute, UTC) and what, never the content itself.
type Access struct {
	Seq      uint64    // assigned by the store, from 1
	Referent string    // the referent id
	Time     time.Time // minute precision, UTC
	// What names what was fetched: 1 to 32 characters a-z and '-'
	// (the server uses "case", "messages", "notes", "evidence").
	What string
}
