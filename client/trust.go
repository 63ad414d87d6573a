package client

import (
	"context"
	"errors"
	"net/http"

	"github.com/lanterne/lanterne/crypto/directory"
)

// Pin is what a device remembers of an organisation: its id, its fingerprint
// (from a poster, a letter or the intranet) and the highest directory
// version seen, which protects against rollback. The caller persists it
// after every Directory call.
type Pin struct {
	OrgID       string
	Fingerprint string
	Version     uint64
}

// Directory fetches the organisation's signed directory and verifies it
// against pin with the client's clock (directory.Verify: fingerprint, key
// chain, signature, version not below pin.Version, validity period). On
// success it sets pin.Version to the directory's version.
//
// Nothing is ever encrypted to a referent who is not in a directory returned
// by this function.
func (c *Client) Directory(ctx context.Context, pin *Pin) (*directory.Directory, error) {
	if pin == nil || !directory.ValidOrgID(pin.OrgID) {
		return nil, errors.New("lanterne client: invalid organisation id in pin")
	}
	var signed []byte
	err := c.do(ctx, request{
		method: http.MethodGet,
		path:   directoryPath(pin.OrgID),
		out:    &signed,
		limit:  directory.MaxSignedSize,
	})
	if err != nil {
		return nil, err
	}
	d, err := directory.Verify(signed, pin.Fingerprint, pin.Version, c.now())
	if err != nil {
		return nil, err
	}
	if d.OrgID != pin.OrgID {
		// The fingerprint covers the org id, so this cannot happen with a
		// correct pin; refuse anyway rather than mix organisations.
		return nil, directory.ErrWrongOrganisation
	}
	pin.Version = d.Version
	return d, nil
}
