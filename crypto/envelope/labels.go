package envelope

// Channel is the channel a report is made under.
type Channel string

const (
	// ChannelAVDHAS: violence, threats, discrimination, harassment and
	// sexist acts (CGFP L135-6).
	ChannelAVDHAS Channel = "avdhas"
	// ChannelWhistleblowing: breaches of the law and threats to the public
	// interest (loi 2016-1691).
	ChannelWhistleblowing Channel = "whistleblowing"
)

// Role is the reporter's relation to the facts.
type Role string

const (
	RoleVictim  Role = "victim"
	RoleWitness Role = "witness"
)

// Category is what the facts are, as the reporter chose it on the form.
type Category string

const (
	CategoryViolence         Category = "violence"
	CategoryThreats          Category = "threats"
	CategoryDiscrimination   Category = "discrimination"
	CategoryMoralHarassment  Category = "moral_harassment"
	CategorySexualHarassment Category = "sexual_harassment"
	CategorySexistAct        Category = "sexist_act"
	// CategoryOther is a breach of the law or a threat to the public
	// interest: the whistleblowing channel's only category.
	CategoryOther Category = "other"
)

// Criterion is one of the 22 discrimination criteria (Code pénal art. 225-1,
// plus bank domiciliation from Code du travail L1132-1), by a stable ASCII id.
type Criterion string

type labels struct{ fr, en string }

type category struct {
	id Category
	labels
}

type criterion struct {
	id Criterion
	labels
}

// categories lists the categories in form order. Read-only.
var categories = [...]category{
	{CategoryViolence, labels{"Violence, atteinte volontaire à l'intégrité physique", "Violence, physical assault"}},
	{CategoryThreats, labels{"Menaces ou intimidation", "Threats or intimidation"}},
	{CategoryDiscrimination, labels{"Discrimination", "Discrimination"}},
	{CategoryMoralHarassment, labels{"Harcèlement moral", "Moral harassment"}},
	{CategorySexualHarassment, labels{"Harcèlement sexuel", "Sexual harassment"}},
	{CategorySexistAct, labels{"Agissement sexiste", "Sexist act"}},
	{CategoryOther, labels{"Autre : manquement à la loi, menace pour l'intérêt général (alerte)", "Other: breach of the law, threat to the public interest (whistleblowing)"}},
}

// criteria lists the criteria in the order of domain.md. Read-only.
var criteria = [...]criterion{
	{"origine", labels{"Origine", "Origin"}},
	{"sexe", labels{"Sexe", "Sex"}},
	{"situation_famille", labels{"Situation de famille", "Family situation"}},
	{"grossesse", labels{"Grossesse", "Pregnancy"}},
	{"apparence_physique", labels{"Apparence physique", "Physical appearance"}},
	{"vulnerabilite_economique", labels{"Particulière vulnérabilité économique", "Particular economic vulnerability"}},
	{"patronyme", labels{"Patronyme", "Surname"}},
	{"lieu_residence", labels{"Lieu de résidence", "Place of residence"}},
	{"domiciliation_bancaire", labels{"Domiciliation bancaire", "Bank domiciliation"}},
	{"etat_sante", labels{"État de santé", "State of health"}},
	{"perte_autonomie", labels{"Perte d'autonomie", "Loss of autonomy"}},
	{"handicap", labels{"Handicap", "Disability"}},
	{"caracteristiques_genetiques", labels{"Caractéristiques génétiques", "Genetic characteristics"}},
	{"moeurs", labels{"Mœurs", "Morals and lifestyle"}},
	{"orientation_sexuelle", labels{"Orientation sexuelle", "Sexual orientation"}},
	{"identite_genre", labels{"Identité de genre", "Gender identity"}},
	{"age", labels{"Âge", "Age"}},
	{"opinions_politiques", labels{"Opinions politiques", "Political opinions"}},
	{"activites_syndicales", labels{"Activités syndicales", "Trade union activities"}},
	{"lanceur_alerte", labels{"Qualité de lanceur d'alerte ou de facilitateur", "Status as a whistleblower or facilitator"}},
	{"langue", labels{"Capacité à s'exprimer dans une autre langue que le français", "Ability to speak a language other than French"}},
	{"ethnie_nation_race_religion", labels{"Appartenance ou non-appartenance, vraie ou supposée, à une ethnie, une nation, une prétendue race ou une religion déterminée", "Membership or non-membership, real or supposed, of an ethnic group, a nation, an alleged race or a particular religion"}},
}

// Categories returns the report categories in form order.
func Categories() []Category {
	out := make([]Category, len(categories))
	for i, c := range categories {
		out[i] = c.id
	}
	return out
}

// Criteria returns the 22 discrimination criteria in the order of the law's
// list (Code pénal art. 225-1).
func Criteria() []Criterion {
	out := make([]Criterion, len(criteria))
	for i, c := range criteria {
		out[i] = c.id
	}
	return out
}

// CategoryLabel returns the label of a category in lang ("fr" or "en"), or
// "" for an unknown category or language.
func CategoryLabel(id Category, lang string) string {
	for _, c := range categories {
		if c.id == id {
			return c.in(lang)
		}
	}
	return ""
}

// CriterionLabel returns the label of a criterion in lang ("fr" or "en"), or
// "" for an unknown criterion or language.
func CriterionLabel(id Criterion, lang string) string {
	for _, c := range criteria {
		if c.id == id {
			return c.in(lang)
		}
	}
	return ""
}

// ChannelFor returns the channel a category belongs to: "other" is
// whistleblowing, every other category is AVDHAS (since the circulaire of 26
// June 2024, AVDHAS facts go to the AVDHAS channel even when sent as an
// alert). It returns "" for an unknown category.
func ChannelFor(c Category) Channel {
	switch {
	case c == CategoryOther:
		return ChannelWhistleblowing
	case CategoryLabel(c, "en") != "":
		return ChannelAVDHAS
	}
	return ""
}

func (l labels) in(lang string) string {
	switch lang {
	case "fr":
		return l.fr
	case "en":
		return l.en
	}
	return ""
}

func knownCriterion(c Criterion) bool { return CriterionLabel(c, "en") != "" }
