package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// WizardProgress is how far the setup wizard got, so that it resumes where
// the user left it. Steps are named by the TUI (its ScreenID strings); the
// store does not interpret them.
type WizardProgress struct {
	Current   string    `json:"current"`        // the step in front when last saved
	Done      []string  `json:"done,omitempty"` // steps whose gate passed
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// WizardProgress returns the saved progress, or the zero value when the
// wizard never saved any.
func (s *Store) WizardProgress() (WizardProgress, error) {
	var p WizardProgress
	var data []byte
	err := s.view("read wizard progress", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketWizard)
		if err != nil {
			return err
		}
		data = get(b, keyWizardProgress)
		return nil
	})
	if err != nil || data == nil {
		return p, err
	}
	if err := s.decode("wizard/progress", data, &p); err != nil {
		return WizardProgress{}, err
	}
	return p, nil
}

// SaveWizardProgress replaces the saved progress; UpdatedAt is stored in UTC.
func (s *Store) SaveWizardProgress(p WizardProgress) error {
	p.UpdatedAt = p.UpdatedAt.UTC()
	return s.updateBookkeeping("save wizard progress", func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketWizard)
		if err != nil {
			return err
		}
		return put(b, keyWizardProgress, p)
	})
}
