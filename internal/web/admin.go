package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"peerpath/internal/auth"
	"peerpath/internal/core"
	"peerpath/internal/store"
)

type adminHomeView struct {
	Org store.Organisation
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "admin.html", adminHomeView{Org: principal(r).Org})
}

type adminUsersView struct {
	Users    []store.User
	Next     string
	Now      time.Time
	Stranded []store.StrandedWorker // deactivated, still assigned to people
	Mail     *store.OutboxStatus    // email (issue 16): nil when no mail server is set up
	SMS      *store.OutboxStatus    // text messages (issue 18): nil when no provider is set up
}

func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) error {
	l, err := s.store.ListUsers(r.Context(), principal(r).Org.ID, store.Page{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	stranded, err := s.store.StrandedWorkers(r.Context(), principal(r).Org.ID)
	if err != nil {
		return err
	}
	v := adminUsersView{Users: l.Items, Next: l.Next, Now: s.clock.Now(), Stranded: stranded}
	if s.mail {
		st, err := s.store.MailOutboxStatus(r.Context(), principal(r).Org.ID)
		if err != nil {
			return err
		}
		v.Mail = &st
	}
	if s.sms {
		st, err := s.store.SMSOutboxStatus(r.Context(), principal(r).Org.ID)
		if err != nil {
			return err
		}
		v.SMS = &st
	}
	return s.render(w, r, "admin_users.html", v)
}

type userFormView struct {
	Form        *form
	User        store.User
	Supervisors []store.User
	Roles       []auth.Role
	Now         time.Time
	OpenPeople  int               // people (active or on hold) assigned to the user
	TakeOn      []store.WorkerRef // who could take them on
	HandForm    *form             // the hand-over form, with its error
	Conflict    string            // another administrator saved first: who, when, what
}

// userView is the administrator's page about one user: their details form,
// and the people assigned to them with the workers who could take them on.
func (s *Server) userView(r *http.Request, f *form, u store.User) (userFormView, error) {
	v := userFormView{Form: f, User: u, Roles: auth.AllRoles, Now: s.clock.Now(), HandForm: newForm(nil)}
	var err error
	if v.Supervisors, err = s.supervisorsOf(r); err != nil {
		return v, err
	}
	org := principal(r).Org.ID
	if v.OpenPeople, err = s.store.OpenPeopleCount(r.Context(), org, u.ID); err != nil || v.OpenPeople == 0 {
		return v, err
	}
	all, err := s.store.AssignableWorkers(r.Context(), org)
	for _, w := range all {
		if w.ID != u.ID {
			v.TakeOn = append(v.TakeOn, w)
		}
	}
	return v, err
}

func (s *Server) supervisorsOf(r *http.Request) ([]store.User, error) {
	p := principal(r)
	sups, err := s.store.UsersWithRole(r.Context(), p.Org.ID, auth.RoleSupervisor)
	if err != nil {
		return nil, err
	}
	admins, err := s.store.UsersWithRole(r.Context(), p.Org.ID, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []store.User
	for _, u := range append(sups, admins...) {
		if !seen[u.ID] {
			seen[u.ID] = true
			out = append(out, u)
		}
	}
	return out, nil
}

func (s *Server) inviteUserPage(w http.ResponseWriter, r *http.Request) error {
	sups, err := s.supervisorsOf(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "admin_user_new.html", userFormView{Form: newForm(nil), Supervisors: sups, Roles: auth.AllRoles})
}

// rolesFrom reads the role checkboxes.
func rolesFrom(f *form) []auth.Role {
	var out []auth.Role
	for _, v := range f.Values["roles"] {
		out = append(out, auth.Role(v))
	}
	return out
}

func supervisorFrom(f *form) int64 {
	id, _ := strconv.ParseInt(f.Get("supervisor"), 10, 64)
	return id
}

type linkView struct {
	User    store.User
	Link    string // empty when the link went by email
	Purpose string
	Expires time.Time
	Emailed bool
}

func (s *Server) inviteUser(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	p := principal(r)
	a := s.actor(r)
	u, err := s.store.CreateUser(r.Context(), a, store.NewUser{OrgID: p.Org.ID, Email: f.Get("email"), Name: f.Get("name"), Roles: rolesFrom(f), SupervisorID: supervisorFrom(f), Track: f.Get("track")})
	if f.Fail(err) {
		sups, serr := s.supervisorsOf(r)
		if serr != nil {
			return serr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_user_new.html", userFormView{Form: f, Supervisors: sups, Roles: auth.AllRoles})
	}
	if err != nil {
		return err
	}
	return s.showAccountLink(w, r, u, store.LinkInvite)
}

// showAccountLink makes an invitation or reset link for u: emailed to them
// when an SMTP server is set up, else shown once to the administrator.
func (s *Server) showAccountLink(w http.ResponseWriter, r *http.Request, u store.User, purpose string) error {
	linkFor := func(token string) string { return s.baseURL(r) + "/account/password?token=" + url.QueryEscape(token) }
	expires := s.clock.Now().Add(store.LinkTTL(purpose))
	if s.mail {
		to, err := s.store.SendAccountLink(r.Context(), s.actor(r), u.ID, purpose, linkFor)
		if err != nil {
			return err
		}
		return s.render(w, r, "admin_link.html", linkView{User: to, Purpose: purpose, Expires: expires, Emailed: true})
	}
	token, err := s.store.CreateAccountLink(r.Context(), s.actor(r), u.ID, purpose)
	if err != nil {
		return err
	}
	return s.render(w, r, "admin_link.html", linkView{User: u, Link: linkFor(token), Purpose: purpose, Expires: expires})
}

// baseURL is peerpath's public address for links it hands out: the
// configured one, or else how this request reached peerpath.
func (s *Server) baseURL(r *http.Request) string {
	if s.base != "" {
		return s.base
	}
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) adminUser(r *http.Request) (store.User, error) {
	uid, err := pathID(r, "id")
	if err != nil {
		return store.User{}, err
	}
	return s.store.User(r.Context(), principal(r).Org.ID, uid)
}

func (s *Server) adminUserPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.adminUser(r)
	if err != nil {
		return err
	}
	v, err := s.userView(r, userForm(u), u)
	if err != nil {
		return err
	}
	return s.render(w, r, "admin_user.html", v)
}

func (s *Server) adminUserUpdate(w http.ResponseWriter, r *http.Request) error {
	u, err := s.adminUser(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(f.Get("version"))
	_, err = s.store.UpdateUser(r.Context(), s.actor(r), u.ID, store.UserUpdate{Name: f.Get("name"), Roles: rolesFrom(f), SupervisorID: supervisorFrom(f), Version: version})
	if e, ok := core.As(err); ok && e.Kind == core.KindConflict && e.Fields["version"] != "" {
		// Another administrator saved first: show their change beside
		// what this one chose, and let a second save replace it.
		cur, cerr := s.adminUser(r)
		if cerr != nil {
			return cerr
		}
		f.Values.Set("version", strconv.Itoa(cur.Version))
		v, verr := s.userView(r, f, cur)
		if verr != nil {
			return verr
		}
		v.Conflict = e.Message
		return s.renderStatus(w, r, http.StatusConflict, "admin_user.html", v)
	}
	if f.Fail(err) || core.KindOf(err) == core.KindConflict {
		if e, ok := core.As(err); ok && e.Kind == core.KindConflict {
			f.Errors["roles"] = e.Message
		}
		v, verr := s.userView(r, f, u)
		if verr != nil {
			return verr
		}
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_user.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/users/"+id(u.ID), localizer(r).T("messages.admin.changes_saved"))
}

// adminUserAction runs a one-button action on a user and returns to their page.
func (s *Server) adminUserAction(w http.ResponseWriter, r *http.Request, do func(store.Actor, int64) error, done string) error {
	u, err := s.adminUser(r)
	if err != nil {
		return err
	}
	if err := do(s.actor(r), u.ID); err != nil {
		return err
	}
	return redirect(w, r, "/admin/users/"+id(u.ID), done)
}

func (s *Server) adminUserDeactivate(w http.ResponseWriter, r *http.Request) error {
	return s.adminUserAction(w, r, func(a store.Actor, uid int64) error { return s.store.SetUserActive(r.Context(), a, uid, false) },
		localizer(r).T("messages.admin.user_deactivated"))
}

// adminUserHandOver moves the user's open people to another worker.
func (s *Server) adminUserHandOver(w http.ResponseWriter, r *http.Request) error {
	u, err := s.adminUser(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	to, _ := strconv.ParseInt(f.Get("to"), 10, 64)
	n, err := s.store.HandOver(r.Context(), s.actor(r), u.ID, to)
	if f.Fail(err) {
		v, verr := s.userView(r, userForm(u), u)
		if verr != nil {
			return verr
		}
		v.HandForm = f
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_user.html", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/users/"+id(u.ID), localizer(r).N("n.messages.team.reassigned", n))
}

// userForm is the details form filled with the user as they are.
func userForm(u store.User) *form {
	f := newForm(url.Values{"name": {u.Name}, "supervisor": {strconv.FormatInt(u.SupervisorID, 10)}, "version": {strconv.Itoa(u.Version)}})
	for _, ro := range u.Roles {
		f.Values.Add("roles", string(ro))
	}
	return f
}

func (s *Server) adminUserReactivate(w http.ResponseWriter, r *http.Request) error {
	return s.adminUserAction(w, r, func(a store.Actor, uid int64) error { return s.store.SetUserActive(r.Context(), a, uid, true) },
		localizer(r).T("messages.admin.user_reactivated"))
}

func (s *Server) adminUserUnlock(w http.ResponseWriter, r *http.Request) error {
	return s.adminUserAction(w, r, func(a store.Actor, uid int64) error { return s.store.Unlock(r.Context(), a, uid) }, localizer(r).T("messages.admin.user_unlocked"))
}

func (s *Server) adminUserSignOut(w http.ResponseWriter, r *http.Request) error {
	return s.adminUserAction(w, r, func(a store.Actor, uid int64) error { return s.store.SignOutEverywhere(r.Context(), a, uid) },
		localizer(r).T("messages.admin.user_signed_out"))
}

func (s *Server) adminUserResetLink(w http.ResponseWriter, r *http.Request) error {
	u, err := s.adminUser(r)
	if err != nil {
		return err
	}
	purpose := store.LinkReset
	if !u.HasPassword {
		purpose = store.LinkInvite
	}
	return s.showAccountLink(w, r, u, purpose)
}

type orgView struct {
	Form *form
	Org  store.Organisation
}

func (s *Server) orgSettingsPage(w http.ResponseWriter, r *http.Request) error {
	o := principal(r).Org
	f := newForm(url.Values{"name": {o.Name}})
	if o.RequireAdminMFA {
		f.Values.Set("require_admin_mfa", "on")
	}
	if o.RequirePeopleMFA {
		f.Values.Set("require_people_mfa", "on")
	}
	return s.render(w, r, "admin_org.html", orgView{Form: f, Org: o})
}

func (s *Server) orgSettings(w http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = s.store.UpdateOrgSettings(r.Context(), s.actor(r), store.OrgSettings{Name: f.Get("name"), RequireAdminMFA: f.Checked("require_admin_mfa"), RequirePeopleMFA: f.Checked("require_people_mfa")})
	if f.Fail(err) {
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "admin_org.html", orgView{Form: f, Org: principal(r).Org})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/organisation", localizer(r).T("messages.admin.settings_saved"))
}

type auditView struct {
	Form    *form
	Entries []store.AuditEntry
	Users   []store.User
	Next    string
	NextURL string
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	q := r.URL.Query()
	f := newForm(q)
	var filter store.AuditFilter
	if v := f.Get("user"); v != "" {
		filter.UserID, _ = strconv.ParseInt(v, 10, 64)
	}
	filter.RecordType, filter.RecordID = f.Get("record_type"), f.Get("record_id")
	for _, d := range []struct {
		field string
		into  *time.Time
		add   int
	}{{"from", &filter.From, 0}, {"to", &filter.To, 1}} {
		if v := f.Get(d.field); v != "" {
			t, err := time.ParseInLocation("2006-01-02", v, local)
			if err != nil {
				f.Errors[d.field] = "Use a date such as 2026-11-23."
				continue
			}
			*d.into = t.AddDate(0, 0, d.add)
		}
	}
	var l store.List[store.AuditEntry]
	if len(f.Errors) == 0 {
		var err error
		if l, err = s.store.ListAudit(r.Context(), p.Org.ID, filter, store.Page{Cursor: q.Get("cursor")}); err != nil {
			return err
		}
	}
	users, err := s.store.ListUsers(r.Context(), p.Org.ID, store.Page{Limit: store.MaxLimit})
	if err != nil {
		return err
	}
	v := auditView{Form: f, Entries: l.Items, Users: users.Items, Next: l.Next}
	if l.Next != "" {
		nq := url.Values{}
		for k, vs := range q {
			nq[k] = vs
		}
		nq.Set("cursor", l.Next)
		v.NextURL = "/admin/audit?" + nq.Encode()
	}
	status := http.StatusOK
	if len(f.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.renderStatus(w, r, status, "admin_audit.html", v)
}

// userJSON is a user in the API.
type userJSON struct {
	ID           string   `json:"id"`
	Email        string   `json:"email"`
	Name         string   `json:"name"`
	Roles        []string `json:"roles"`
	SupervisorID string   `json:"supervisor_id,omitempty"`
	Active       bool     `json:"active"`
	Invited      bool     `json:"invited" doc:"true until the user has chosen a password"`
	SecondFactor bool     `json:"second_factor"`
}

func toUserJSON(u store.User) userJSON {
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	return userJSON{ID: id(u.ID), Email: u.Email, Name: u.Name, Roles: roles, SupervisorID: id(u.SupervisorID),
		Active: u.Active, Invited: !u.HasPassword, SecondFactor: u.TOTPEnabled}
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	page, err := listPage(r)
	if err != nil {
		return err
	}
	l, err := s.store.ListUsers(r.Context(), principal(r).Org.ID, page)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toList(l, toUserJSON))
	return nil
}

type handOverJSON struct {
	To string `json:"to" doc:"the worker who takes the people on: an active peer worker, supervisor or administrator"`
}

type handedOverJSON struct {
	Moved int `json:"moved" doc:"how many people changed worker"`
}

func (s *Server) apiHandOver(w http.ResponseWriter, r *http.Request) error {
	from, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in handOverJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	to, err := parseID("to", in.To)
	if err != nil {
		return err
	}
	n, err := s.store.HandOver(r.Context(), s.actor(r), from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, handedOverJSON{Moved: n})
	return nil
}
