package api

import "time"

// Limits on what a client may send. The server enforces them and refuses
// anything larger with 413 and a JSON error; clients check them first so that
// a reporter is told before anything is sent.
const (
	MaxReportCiphertext   = 1<<20 + 64<<10 // a 1 MiB frame plus age overhead
	MaxIdentityCiphertext = 32 << 10
	MaxReleaseCiphertext  = 8 << 10
	MaxMessageCiphertext  = 64<<10 + 16<<10
	MaxNoteCiphertext     = 256<<10 + 16<<10
	MaxWrapCiphertext     = 8 << 10
	MaxWraps              = 64
	MaxFilesPerCase       = 50
	MaxFileCiphertext     = 4 << 30 // 4 GiB per evidence file
	ChunkSize             = 64 << 10
	MaxJSONBody           = 2 << 20 // any JSON request body but a NewCase
	MaxDirectory          = 1 << 20
	// MaxNewCaseBody bounds the JSON of a NewCase, whose ciphertexts at
	// their limits (report, identity, release, MaxWraps wraps) take more
	// than MaxJSONBody once base64-encoded.
	MaxNewCaseBody = 4 << 20
	// MaxInvitationCiphertext bounds a witness's sealed invitation (a
	// 16 KiB frame plus age overhead).
	MaxInvitationCiphertext = 32 << 10
	// MaxPage is the most entries one GET of a thread or access log
	// returns (the "limit" query parameter; 100 by default). A page of a
	// thread also stops once its ciphertexts reach MaxPageBytes.
	MaxPage      = 1000
	MaxPageBytes = 8 << 20
)

// Error is the body of every error response.
type Error struct {
	Error string `json:"error"`
}

// Wrap is a case key encrypted to one reader (ciphertext).
type Wrap struct {
	Reader     string `json:"reader"` // "reporter", "victim" or a referent id
	Role       string `json:"role"`   // "case" or "staff"
	Generation uint32 `json:"generation"`
	Ciphertext []byte `json:"ciphertext"`
}

// FileDecl announces an evidence file before its chunks are uploaded. The
// client encrypts while it uploads, so it declares only an upper bound on
// the ciphertext, computed from the plaintext size (scrubbing only removes
// bytes); the server reserves it against the quotas. The exact size and
// SHA-256 come at the end, in FileComplete.
type FileDecl struct {
	FileID            string `json:"file_id"` // 32 lowercase hex characters, random
	MaxCiphertextSize int64  `json:"max_ciphertext_size"`
}

// FileComplete is the body of POST .../files/{file}/complete, sent once
// every chunk is uploaded: the ciphertext's exact size (at most the declared
// MaxCiphertextSize) and its SHA-256. The server checks them against the
// stored chunks, then gives back the unused part of the reservation.
type FileComplete struct {
	CiphertextSize   int64  `json:"ciphertext_size"`
	CiphertextSHA256 []byte `json:"ciphertext_sha256"`
}

// NewCase is a reporter's submission. Everything in it was made on the
// reporter's device.
type NewCase struct {
	LookupID          string     `json:"lookup_id"` // 32 lowercase hex characters
	AuthHash          []byte     `json:"auth_hash"` // SHA-256 of the case's auth secret
	ReporterRecipient string     `json:"reporter_recipient"`
	Route             string     `json:"route"`   // the route whose referents the case key is wrapped to
	Channel           string     `json:"channel"` // avdhas or whistleblowing
	Witness           bool       `json:"witness"` // handling awaits the presumed victim's consent
	MeetingRequested  bool       `json:"meeting_requested"`
	Report            []byte     `json:"report"`                     // ciphertext
	Identity          []byte     `json:"identity,omitempty"`         // ciphertext, sealed to the identity key
	IdentityRelease   []byte     `json:"identity_release,omitempty"` // ciphertext, when released at once
	Wraps             []Wrap     `json:"wraps"`
	Files             []FileDecl `json:"files,omitempty"`
	// Invitation is set when a presumed victim answers a witness's
	// invitation: the invitation's lookup id and auth secret.
	Invitation *Redeem `json:"invitation,omitempty"`
	Proof      string  `json:"proof,omitempty"` // proof of work
}

// Redeem proves a witness invitation when the victim's thread is created.
type Redeem struct {
	LookupID   string `json:"lookup_id"`
	AuthSecret []byte `json:"auth_secret"`
}

// Deadlines are the legal due dates of a case, as civil dates "YYYY-MM-DD".
type Deadlines struct {
	AckDue            string `json:"ack_due"`
	FeedbackDue       string `json:"feedback_due"`
	MeetingDue        string `json:"meeting_due,omitempty"`
	TargetInformedDue string `json:"target_informed_due"`
}

// StatusChange is one step of a case's history.
type StatusChange struct {
	Status string `json:"status"`
	Day    string `json:"day"`
}

// CaseStatus is what a reporter and a referent see of a case's metadata.
type CaseStatus struct {
	LookupID          string         `json:"lookup_id"`
	Route             string         `json:"route"`
	Channel           string         `json:"channel"`
	Status            string         `json:"status"`
	Received          string         `json:"received"` // day only
	Deadlines         Deadlines      `json:"deadlines"`
	Overdue           []string       `json:"overdue,omitempty"` // "ack", "feedback", "meeting"
	History           []StatusChange `json:"history"`
	Witness           bool           `json:"witness"`
	AwaitingConsent   bool           `json:"awaiting_consent"`
	Invited           bool           `json:"invited,omitempty"` // a witness's case issued its invitation (one per case)
	ConsentGiven      *bool          `json:"consent_given,omitempty"`
	MeetingRequested  bool           `json:"meeting_requested"`
	IdentityState     string         `json:"identity_state"` // none, sealed, requested, released
	ReporterRecipient string         `json:"reporter_recipient"`
	Messages          uint64         `json:"messages"`        // last message sequence number
	UnreadByReporter  uint64         `json:"unread_reporter"` // referent messages the reporter side has not read
	ReadByReporter    uint64         `json:"read_reporter"`   // highest seq the reporter side has read
	ReadByReferents   uint64         `json:"read_referents"`  // highest seq any referent has read
	Files             []FileStatus   `json:"files,omitempty"`
	Linked            string         `json:"linked,omitempty"` // victim thread of a witness case, or the reverse
}

// FileStatus is an evidence file as the server knows it: sizes and hashes of
// ciphertext only.
type FileStatus struct {
	FileID           string `json:"file_id"`
	CiphertextSize   int64  `json:"ciphertext_size"`
	CiphertextSHA256 []byte `json:"ciphertext_sha256"`
	Complete         bool   `json:"complete"`
	Chunks           int    `json:"chunks_received"`
}

// Submitted answers a NewCase.
type Submitted struct {
	Case CaseStatus `json:"case"`
}

// SessionRequest opens a reporter (or victim) session.
type SessionRequest struct {
	AuthSecret []byte `json:"auth_secret"`
}

// Session is a short-lived bearer token, sent back as
// "Authorization: Bearer TOKEN".
type Session struct {
	Token   string    `json:"token"`
	Expires time.Time `json:"expires"`
}

// Entry is one item of a case's thread (messages or staff notes).
type Entry struct {
	Seq        uint64    `json:"seq"`
	Author     string    `json:"author"` // "reporter", "victim" or a referent id
	Time       time.Time `json:"time"`   // to the minute
	Ciphertext []byte    `json:"ciphertext"`
}

// Entries is a page of a thread.
type Entries struct {
	Entries []Entry `json:"entries"`
}

// PostEntry adds a message or note.
type PostEntry struct {
	Ciphertext []byte `json:"ciphertext"`
}

// Posted answers a PostEntry.
type Posted struct {
	Seq uint64 `json:"seq"`
}

// MarkRead records that the caller's side has read the thread up to Seq.
type MarkRead struct {
	Seq uint64 `json:"seq"`
}

// Blob carries one stored ciphertext (report, identity, release, invitation).
type Blob struct {
	Ciphertext []byte `json:"ciphertext"`
}

// CaseFile is everything a reader fetches to open a case: metadata, the key
// wraps addressed to them and the envelopes.
type CaseFile struct {
	Case            CaseStatus `json:"case"`
	Wraps           []Wrap     `json:"wraps"`
	Report          []byte     `json:"report"`
	Identity        []byte     `json:"identity,omitempty"`
	IdentityRelease []byte     `json:"identity_release,omitempty"`
}

// ChallengeRequest starts a referent login.
type ChallengeRequest struct {
	ReferentID string `json:"referent_id"`
}

// Challenge is a single-use nonce the referent signs with their Ed25519 key.
// The signed message is "lanterne/v1/referent-login\n" || org id || "\n" ||
// referent id || "\n" || nonce.
type Challenge struct {
	Nonce   []byte    `json:"nonce"`
	Expires time.Time `json:"expires"`
}

// ChallengeResponse answers a Challenge.
type ChallengeResponse struct {
	ReferentID string `json:"referent_id"`
	Nonce      []byte `json:"nonce"`
	Signature  []byte `json:"signature"`
}

// Inbox lists the cases a referent can read, in lookup id order, at most
// 1000 at a time. Next, when set, is the "after" query parameter that
// fetches the following page.
type Inbox struct {
	Cases []CaseStatus `json:"cases"`
	Next  string       `json:"next,omitempty"`
}

// SetStatus moves a case through the workflow.
type SetStatus struct {
	Status string `json:"status"`
	// MeetingHeld records that a requested meeting took place.
	MeetingHeld bool `json:"meeting_held,omitempty"`
	// Consent records the presumed victim's answer on a witness case
	// (only the victim thread's own messages carry the answer itself).
	Consent *bool `json:"consent,omitempty"`
	// Route moves the case to another channel (AVDHAS ↔ whistleblowing).
	Route string `json:"route,omitempty"`
}

// AddWraps gives a case's keys to more readers (handover) or publishes a new
// generation (rotation).
type AddWraps struct {
	Wraps []Wrap `json:"wraps"`
}

// Invitation is a witness's invitation for the presumed victim.
type Invitation struct {
	LookupID   string `json:"lookup_id"`
	AuthHash   []byte `json:"auth_hash"`
	Ciphertext []byte `json:"ciphertext"`
}

// LoginPath is the domain-separation prefix of a referent's login signature.
const LoginPath = "lanterne/v1/referent-login\n"

// LoginMessage returns the bytes a referent signs to log in.
func LoginMessage(orgID, referentID string, nonce []byte) []byte {
	m := make([]byte, 0, len(LoginPath)+len(orgID)+len(referentID)+len(nonce)+2)
	m = append(m, LoginPath...)
	m = append(m, orgID...)
	m = append(m, '\n')
	m = append(m, referentID...)
	m = append(m, '\n')
	return append(m, nonce...)
}

// RegisterOrg is the body of POST /api/v1/admin/orgs, sent by the server's
// operator: the organisation's id, its display name and the fingerprint of
// its root key, which every directory it publishes must match.
type RegisterOrg struct {
	OrgID       string `json:"org_id"`
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint"`
}

// OrgInfo names an organisation the server hosts. Fingerprint is given only
// in the answer to RegisterOrg: clients pin a fingerprint they got from the
// organisation itself, never from the server.
type OrgInfo struct {
	OrgID       string `json:"org_id"`
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// Orgs lists the organisations the server hosts.
type Orgs struct {
	Orgs []OrgInfo `json:"orgs"`
}

// Access is one entry of a case's access log: a referent fetched some of the
// case's content ("case": the case file with the envelopes and wraps,
// "messages", "notes" or "evidence") during the minute Time.
type Access struct {
	Seq      uint64    `json:"seq"`
	Referent string    `json:"referent"`
	Time     time.Time `json:"time"`
	What     string    `json:"what"`
}

// AccessLog is a page of a case's access log.
type AccessLog struct {
	Entries []Access `json:"entries"`
}
