package demo

import (
	"context"
	"fmt"

	"peerpath/internal/spreadsheet"
	"peerpath/internal/store"
)

// Moving in (issue 19): when Riverbend started with peerpath, Dana
// imported the places the front desk kept in a spreadsheet. The import is
// listed under Administration → Import from a spreadsheet, with its
// checksum, and its resources are in the directory. The sample files in
// docs/import-samples/ name the demo's workers, so the demo administrator
// can try an import of people, contacts and goals too.
const demoOldResourceList = `Place,Type,Address,Phone,Hours,Languages,Checked
Riverbend Warm Line,other,,617-555-0131,Evenings 5 pm–11 pm,"English, Spanish",11/02/2026
Riverbend Clothing Closet,other,"8 Canal Street, Riverbend, MA",617-555-0132,Saturdays 9 am–noon,English,10/15/2026
Riverbend Free Tax Help,benefits,"40 Elm Street, Riverbend, MA",617-555-0133,February to April,"English, Portuguese",
`

func loadImports(ctx context.Context, s *store.Store, d *Demo) error {
	dana := d.Users["admin"].Actor("demo")
	done, err := s.ImportBatches(ctx, dana, 1)
	if err != nil || len(done) > 0 {
		return err
	}
	table, err := spreadsheet.Read("old-resource-list.csv", []byte(demoOldResourceList))
	if err != nil {
		return fmt.Errorf("demo import: %w", err)
	}
	_, err = s.ImportRecords(ctx, dana, store.ImportInput{Kind: store.ImportResources, Table: table,
		Mapping: map[string]string{"Place": "name", "Checked": "verified_on"}})
	if err != nil {
		return fmt.Errorf("demo import: %w", err)
	}
	return nil
}
