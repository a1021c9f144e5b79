package browsertest

import (
	"os"
	"path/filepath"
	"testing"

	"peerpath/internal/testkit"
)

// TestImportPeopleFromASpreadsheetOnAPhone: an administrator uploads a
// people file whose worker column is not named as peerpath expects,
// chooses the field for it, sees the first rows as they will be saved,
// imports, and finds the people added; every page passes axe.
func TestImportPeopleFromASpreadsheetOnAPhone(t *testing.T) {
	need(t)
	app := testkit.NewApp(t)
	tm := app.NewTeam(t, "Import RLC")
	file := filepath.Join(t.TempDir(), "people.csv")
	body := "Client ref,Known as,Birthday,Looked after by\n" +
		"R-1,Robin Sample,4/12/1988," + tm.Peer.Email + "\n" +
		"R-2,Lee Example,," + tm.OtherPeer.Email + "\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}

	tab := browser.NewTab(t, app.HTTP.URL)
	tab.BestPractice()
	tab.Phone()
	tab.SignIn(tm.Admin.Email)
	tab.Visit("/admin")
	tab.Submit("main a[href='/admin/import']")
	tab.MustSee("Import from a spreadsheet", "Import people first")
	tab.Submit("main form[action='/admin/import'] button[type=submit]")
	tab.MustSee("There is a problem", "Choose what the file holds.", "Choose a CSV or Excel (.xlsx) file to import.")
	tab.Select("#f-kind", "people")
	tab.Upload("#f-file", file)
	tab.Submit("main form[action='/admin/import'] button[type=submit]")
	tab.MustSee("Import people from people.csv", "2 rows", "The file has no column for workers' emails")
	// "Looked after by" is the column of workers' emails; "Client ref" the id.
	tab.Select("main select[name='map-3']", "worker_emails")
	tab.Select("main select[name='map-0']", "source_id")
	tab.Submit("main button[value='preview']")
	tab.MustSee("Line 2", "Robin Sample", "1988-04-12", tm.Peer.Email, "Import 2 people")
	tab.Submit("main button[value='import']")
	tab.WaitText("main", "Imported.")
	tab.Axe()
	tab.MustSee("2 people added; 0 imported before and skipped", "SHA-256")
	tab.Visit("/people?q=robin")
	tab.MustSee("Robin Sample")
}
