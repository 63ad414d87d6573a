package client

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/server/api"
)

// Invite makes, for a witness's case, an invitation for the presumed
// victim: a fresh invitation code (purpose invitation) and the invitation
// envelope sealed to the recipient derived from it, naming the
// organisation and the route (conflict when the report says the facts
// involve the authority). The witness hands the code to the victim; the
// server stores the envelope under the invitation's lookup id. The code is
// a secret: show it once, never log it.
func (rc *ReporterCase) Invite(ctx context.Context, message string) (casecode.Code, error) {
	rep := rc.Report()
	if rep.Role != envelope.RoleWitness {
		return casecode.Code{}, errors.New("lanterne client: only a witness's case makes invitations")
	}
	if rep.Channel != envelope.ChannelAVDHAS {
		return casecode.Code{}, errors.New("lanterne client: whistleblowing cases have no victim thread")
	}
	route := envelope.RouteAVDHAS
	if rep.Conflict.InvolvesAuthority {
		route = envelope.RouteConflict
	}
	code, err := casecode.Generate()
	if err != nil {
		return casecode.Code{}, err
	}
	is, err := casecode.Derive(rc.d.OrgID, casecode.PurposeInvitation, code)
	if err != nil {
		return casecode.Code{}, err
	}
	in := envelope.Invitation{OrgID: rc.d.OrgID, Route: route, CreatedAt: rc.c.now().UTC().Truncate(time.Second), Message: message}
	ct, err := envelope.SealInvitation(&in, is.ReporterIdentity.Recipient())
	if err != nil {
		return casecode.Code{}, err
	}
	h := casecode.AuthHash(is.AuthSecret[:])
	body := api.Invitation{LookupID: is.LookupIDHex(), AuthHash: h[:], Ciphertext: ct}
	if err := rc.s.do(ctx, request{method: http.MethodPost, path: rc.base + "/invitation", in: body}); err != nil {
		return casecode.Code{}, err
	}
	return code, nil
}

// ReadInvitation fetches and opens the invitation of code, so that the
// presumed victim can read the witness's word before answering. It fails if
// the invitation names another organisation than d's.
func (c *Client) ReadInvitation(ctx context.Context, d *directory.Directory, code casecode.Code) (*envelope.Invitation, error) {
	in, _, err := c.readInvitation(ctx, d, code)
	return in, err
}

func (c *Client) readInvitation(ctx context.Context, d *directory.Directory, code casecode.Code) (*envelope.Invitation, *casecode.Secrets, error) {
	if d == nil {
		return nil, nil, errors.New("lanterne client: missing directory")
	}
	is, err := casecode.Derive(d.OrgID, casecode.PurposeInvitation, code)
	if err != nil {
		return nil, nil, err
	}
	var blob api.Blob
	err = c.do(ctx, request{method: http.MethodPost, path: invitationPath(d.OrgID, is.LookupIDHex()),
		in: api.SessionRequest{AuthSecret: is.AuthSecret[:]}, out: &blob})
	if err != nil {
		return nil, nil, err
	}
	in, err := envelope.OpenInvitation(blob.Ciphertext, is.ReporterIdentity)
	if err != nil {
		return nil, nil, err
	}
	if in.OrgID != d.OrgID {
		return nil, nil, errors.New("lanterne client: the invitation names another organisation")
	}
	return in, is, nil
}

// Redeem answers a witness's invitation: it creates the presumed victim's
// own thread, with a fresh case code and case key whose readers are the
// invitation route's referents and the victim (reader "victim"). sub is
// the victim's report (role victim, AVDHAS channel; the conflict flag is
// taken from the invitation's route); its files are attached as in Submit.
// Consent is then given or refused with ReporterCase.ConsentGiven or
// ConsentRefused. As with Submit, a failure after the thread was created
// returns the Receipt (with the new code) and the error.
func (c *Client) Redeem(ctx context.Context, d *directory.Directory, invitation casecode.Code, sub *Submission, progress func(Progress)) (*Receipt, *ReporterCase, error) {
	if sub == nil {
		return nil, nil, errors.New("lanterne client: missing submission")
	}
	in, is, err := c.readInvitation(ctx, d, invitation)
	if err != nil {
		return nil, nil, err
	}
	s := *sub
	if s.Report.Role != envelope.RoleVictim || s.Report.Channel != envelope.ChannelAVDHAS {
		return nil, nil, errors.New("lanterne client: a victim thread is a victim's AVDHAS report")
	}
	s.Report.Conflict.InvolvesAuthority = in.Route == envelope.RouteConflict
	code, err := casecode.Generate()
	if err != nil {
		return nil, nil, err
	}
	redeem := &api.Redeem{LookupID: is.LookupIDHex(), AuthSecret: is.AuthSecret[:]}
	rc, rcpt, err := c.create(ctx, d, code, &s, casekey.Victim, redeem)
	if rc == nil || err != nil {
		return rcpt, rc, err
	}
	return rcpt, rc, rc.attachAll(ctx, rcpt, s.Files, progress)
}
