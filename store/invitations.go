package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

func checkNewInvitation(inv *Invitation) error {
	if err := checkLookup(inv.ID); err != nil {
		return err
	}
	if inv.WitnessCase != "" {
		if err := checkLookup(inv.WitnessCase); err != nil {
			return err
		}
	}
	if err := checkDay("invitation day", inv.CreatedDay, false); err != nil {
		return err
	}
	if inv.Redeemed || inv.VictimCase != "" {
		return fmt.Errorf("%w: a new invitation is not redeemed", ErrInvalid)
	}
	return checkCiphertext("invitation", inv.Ciphertext)
}

// putNewInvitation stores an invitation whose lookup id must be new.
func putNewInvitation(ob *bolt.Bucket, inv *Invitation) error {
	invs := ob.Bucket(bInvitations)
	if invs.Get([]byte(inv.ID)) != nil {
		return fmt.Errorf("%w: invitation %s", ErrExists, inv.ID)
	}
	v, err := encodeInvitation(inv)
	if err != nil {
		return err
	}
	return invs.Put([]byte(inv.ID), v)
}

// redeem marks an invitation redeemed by the victim thread victim, drops
// its ciphertext (and the witness case's count of it) and links the witness
// case to the victim thread. It returns the witness case's lookup id.
func redeem(ob *bolt.Bucket, invID, victim string) (string, error) {
	invs := ob.Bucket(bInvitations)
	v := invs.Get([]byte(invID))
	if v == nil {
		return "", fmt.Errorf("%w: invitation %s", ErrNotFound, invID)
	}
	inv, err := decodeInvitation(invID, v)
	if err != nil {
		return "", err
	}
	if inv.Redeemed {
		return "", fmt.Errorf("%w: invitation %s was already redeemed", ErrConflict, invID)
	}
	if wcb := ob.Bucket(bContent).Bucket([]byte(inv.WitnessCase)); wcb != nil {
		if err := release(ob, wcb, uint64(len(inv.Ciphertext))); err != nil {
			return "", err
		}
		wm, err := getMeta(ob, inv.WitnessCase)
		if err != nil {
			return "", err
		}
		wm.LinkedCase = victim
		wm.Version++
		if err := putMeta(ob.Bucket(bCases), &wm); err != nil {
			return "", err
		}
	}
	inv.Redeemed, inv.VictimCase, inv.Ciphertext = true, victim, nil
	nv, err := encodeInvitation(&inv)
	if err != nil {
		return "", err
	}
	return inv.WitnessCase, invs.Put([]byte(invID), nv)
}

// CreateInvitation implements Store.
func (s *BoltStore) CreateInvitation(ctx context.Context, org string, inv Invitation) error {
	if err := checkNewInvitation(&inv); err != nil {
		return err
	}
	if inv.WitnessCase == "" || inv.WitnessCase == inv.ID {
		return fmt.Errorf("%w: an invitation needs the lookup id of the case that issues it", ErrInvalid)
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		ob, cb, err := caseBucket(tx, org, inv.WitnessCase)
		if err != nil {
			return err
		}
		m, err := getMeta(ob, inv.WitnessCase)
		if err != nil {
			return err
		}
		if m.Invitation != "" {
			return fmt.Errorf("%w: case %s already issued an invitation", ErrExists, inv.WitnessCase)
		}
		if err := s.charge(ob, cb, uint64(len(inv.Ciphertext))); err != nil {
			return err
		}
		if err := putNewInvitation(ob, &inv); err != nil {
			return err
		}
		m.Invitation = inv.ID
		m.Version++
		return putMeta(ob.Bucket(bCases), &m)
	})
}

// Invitation implements Store.
func (s *BoltStore) Invitation(ctx context.Context, org, id string) (Invitation, error) {
	if err := checkLookup(id); err != nil {
		return Invitation{}, err
	}
	var inv Invitation
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ob, err := orgBucket(tx, org)
		if err != nil {
			return err
		}
		v := ob.Bucket(bInvitations).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("%w: invitation %s", ErrNotFound, id)
		}
		inv, err = decodeInvitation(id, v)
		return err
	})
	return inv, err
}
