// Package bench measures brief against the fake endpoint: how close a run
// comes to the physical limit of an endpoint with a fixed number of parallel
// slots, what brief itself costs in CPU and memory, how fast a fully cached
// re-run is, and how well it uses an endpoint's per-minute rate limits.
//
// Everything but the model is real: the articles are files in a folder, the
// run is the real brief binary (a child process, so its CPU time and peak RSS
// are its own) or the real pipeline in-process (for pprof), and the endpoint
// is llmtest's fake with latencies, slots and, here, rate limits.
package bench

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// WriteCorpus writes n synthetic Danish wire-format articles into dir as
// 00001.txt, 00002.txt, ... The same n and seed always give the same bytes.
// The stories are invented from templates: varied in topic, names, numbers,
// length (4 to 9 paragraphs, about 0.8 to 2.5 KB), agency line and trailing
// newline, and every one is distinct, so no two share a cache entry.
func WriteCorpus(dir string, n int, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	g := newGen(seed)
	width := max(5, len(fmt.Sprint(n)))
	for i := 1; i <= n; i++ {
		name := filepath.Join(dir, fmt.Sprintf("%0*d.txt", width, i))
		if err := os.WriteFile(name, []byte(g.article(i)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, 0x6272696566))} }

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

var (
	firstNames = []string{"Mette", "Lars", "Anne", "Søren", "Jens", "Karen", "Mads", "Ida", "Henrik", "Birgitte",
		"Rasmus", "Louise", "Peter", "Camilla", "Niels", "Sofie", "Thomas", "Helle", "Anders", "Maja", "Jakob", "Lene",
		"Kasper", "Signe", "Morten", "Trine", "Ole", "Pernille", "Frederik", "Astrid", "Bo", "Nanna"}
	lastNames = []string{"Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
		"Rasmussen", "Jørgensen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen", "Mortensen", "Holm", "Dahl",
		"Bech", "Lund", "Frost", "Vestergaard", "Skov", "Kjær", "Brandt", "Winther"}
	towns = []string{"Aarhus", "Odense", "Aalborg", "Esbjerg", "Randers", "Kolding", "Horsens", "Vejle", "Roskilde",
		"Herning", "Silkeborg", "Næstved", "Fredericia", "Viborg", "Køge", "Holstebro", "Slagelse", "Svendborg",
		"Hjørring", "Thisted", "Sønderborg", "Haderslev", "Frederikshavn", "Ringkøbing", "Skive", "Nyborg", "Ribe",
		"Tønder", "Grenaa", "Hillerød", "Helsingør", "Vordingborg", "Kalundborg", "Middelfart", "Aabenraa", "Varde"}
	countries = []string{"Tyskland", "Sverige", "Norge", "Frankrig", "Polen", "Spanien", "Italien", "Finland",
		"Nederlandene", "Belgien", "Estland", "Litauen", "Østrig", "Irland", "Grækenland", "Portugal", "Letland",
		"Rumænien", "Tjekkiet", "Ungarn", "Slovakiet", "Kroatien", "Island", "Schweiz"}
	orgs = []string{"Dansk Industri", "Danske Regioner", "KL", "Fagbevægelsens Hovedorganisation", "Landbrug & Fødevarer",
		"Dansk Erhverv", "Forbrugerrådet Tænk", "Ældre Sagen", "Danske Bank", "Nykredit", "Arbejdernes Landsbank",
		"Rigspolitiet", "Beredskabsstyrelsen", "Sundhedsstyrelsen", "Vejdirektoratet", "Energistyrelsen",
		"Miljøstyrelsen", "DSB", "Banedanmark", "Danmarks Naturfredningsforening", "Skatteministeriet", "Finanstilsynet"}
	things = []string{"skolerne", "ældreplejen", "busdriften", "vandforsyningen", "daginstitutionerne", "biblioteket",
		"svømmehallen", "havnen", "cykelstierne", "sygehuset", "genbrugspladsen", "idrætshallen", "jobcentret",
		"plejehjemmet", "musikskolen", "kulturhuset", "fjernvarmen", "kloakkerne", "stationen", "rådhuset"}
	weekdays = []string{"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"}
	months   = []string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
		"oktober", "november", "december"}
	agencies = []string{"/ritzau/", "/ritzau/", "/ritzau/", "/ritzau/", "/ritzau/Reuters", "/ritzau/AFP", "/ritzau/dpa", "/ritzau/AFP/Reuters"}
)

// topic is one kind of story: the lede, body sentences and quotes it is
// built from. Placeholders: {P} the story's person, {Q} someone else, {T}
// the story's town, {U} another town, {L} a country, {O} an organisation,
// {S} a public service, {D} a weekday, {M} a month, {N} a number, {K} an
// amount in millions, {C} a percentage. [a|b|c] picks one of the words.
// Placeholders and choices come every few words, so two stories rarely
// share a run of five words: distinct stories do not look like wire
// resends of each other to the briefing's folding.
type topic struct {
	role   string
	ledes  []string
	body   []string
	quotes []string
}

var topics = []topic{
	{role: "borgmester", ledes: []string{
		"Byrådet i {T} har [vedtaget|godkendt|stemt ja til] et budget, der [sparer|skærer] {K} millioner kroner på {S}.",
		"Et [flertal|bredt flertal|snævert flertal] i {T} Byråd vil bygge {N} [nye boliger|lejligheder|rækkehuse] ved {S} inden {M}.",
		"[Kommunen|Forvaltningen] i {T} hæver skatten, efter at regnskabet viste et [underskud|hul] på {K} millioner kroner.",
	}, body: []string{
		"Aftalen [blev indgået|faldt på plads|kom i hus] {D} aften efter {N} [timers|dages|ugers] forhandlinger med {O}.",
		"Ifølge [forvaltningen|direktionen|{Q}] skal {N} [stillinger|job|årsværk] ved {S} [nedlægges|spares væk] inden {M}.",
		"[Oppositionen|Venstre|De Konservative|Enhedslisten] i {T} kalder planen [kortsigtet|uansvarlig|forhastet] og vil [tage sagen op|kræve en ny plan] i {M}.",
		"[Borgerne|Forældrene|De ældre] har sendt {N} [høringssvar|klager|henvendelser] om {S}, oplyser {Q}.",
		"{O} vurderer, at udgifterne til {S} i {T} stiger med {C} procent frem mod {M}.",
		"Et [lokalt|nyt] [borgerinitiativ|netværk|forældreråd] har samlet {N} underskrifter mod [lukningen|flytningen] af {S}.",
		"Planen skal [endeligt godkendes|til anden behandling] {D} i {M}, hvor {Q} også [fremlægger|præsenterer] budgettet for {S}.",
		"Til sammenligning brugte {U} Kommune {K} millioner kroner på {S} sidste år, [viser|fremgår det af] tal fra {O}.",
	}, quotes: []string{
		"Vi har [været nødt til|måttet] træffe [svære|hårde] valg om {S}, men [velfærden|økonomien] i {T} er sikret",
		"Det her er en aftale om {S}, som [alle partier|et bredt flertal] kan se sig selv i",
		"Jeg forstår godt, at [borgerne|forældrene] i {T} er [bekymrede|vrede], og vi [følger|holder øje med] {S} tæt",
	}},
	{role: "økonom", ledes: []string{
		"Ledigheden [faldt|steg] i {M} til {C} procent, viser nye tal fra Danmarks Statistik.",
		"Inflationen steg [uventet|overraskende] til {C} procent i {M}, hvilket [øger presset på|bekymrer] Nationalbanken.",
		"Boligpriserne i {T} er [steget|faldet] med {C} procent på et år, viser en [ny|frisk] opgørelse fra {O}.",
	}, body: []string{
		"Det er første gang i {N} måneder, at [tallet|ledigheden|indekset] bevæger sig i den retning, [siger|skriver] {O}.",
		"Især [byggeriet|detailhandlen|transportsektoren|landbruget] i {T} trækker op, mens [industrien|eksporten til {L}] har det sværere.",
		"Økonomerne hos {O} havde [på forhånd|i {M}] ventet en [mere beskeden|langt svagere] udvikling på {C} procent.",
		"Udviklingen skyldes [blandt andet|især] [højere priser på|faldende efterspørgsel efter] [fødevarer|energi|brændstof] fra {L}.",
		"[Finansministeriet|Vismændene|{O}] forventer, at væksten i {M} ender på omkring {C} procent.",
		"Handelsbalancen med {L} viste [et overskud|et underskud] på {K} millioner kroner i {M}, oplyser {Q}.",
		"{N} [banker|pengeinstitutter|analysehuse] har allerede [justeret|nedjusteret|opjusteret] deres [prognoser|forventninger] for {M}.",
		"I {U} var [stigningen|faldet] til sammenligning {C} procent, [viser|fremgår det af] tallene fra {O}.",
	}, quotes: []string{
		"Tallene fra {M} viser en økonomi, der [stadig er robust|holder stand], men vi ser [de første tegn på|en begyndende] afmatning",
		"Det er for tidligt at sige, om {C} procent er [begyndelsen på|et udtryk for] en ny tendens",
		"[Husholdningerne|Familierne] i {T} har fået mere [luft i budgettet|råd], og det kan mærkes i [butikkerne|detailhandlen]",
	}},
	{role: "cheftræner", ledes: []string{
		"{T} vandt {D} aften {N}-1 over [de regerende mestre|topholdet|lokalrivalerne fra {U}] og rykker op på [andenpladsen|tredjepladsen].",
		"Landsholdet tabte [knebent|overraskende|klart] til {L} i en kamp, der blev afgjort [i overtiden|på straffespark|i sidste minut].",
		"Klubben fra {T} har hentet en [angriber|forsvarsspiller|målmand] fra {L}, der koster omkring {K} millioner kroner.",
	}, body: []string{
		"Kampen blev spillet [foran|for] {N} tilskuere på [et udsolgt|et halvfyldt|et regnvådt] stadion i {T} {D}.",
		"[Hjemmeholdet|Gæsterne fra {U}] kom bedst fra start, og {Q} [scorede|bragte holdet foran] efter {N} minutter.",
		"Efter pausen pressede [gæsterne|{U}] på, men [målmanden|forsvaret] holdt {T} inde i kampen [til det sidste|længe].",
		"Den nye spiller fra {L} har skrevet under på en [aftale|kontrakt], der løber til {M} om {N} år.",
		"Holdet møder {D} [et af de andre tophold|bundholdet|oprykkerne] fra {U} på [udebane|hjemmebane].",
		"Skaden på {Q} holder ham ude i [mindst|op mod] {N} uger, oplyser [klubben|lægestaben|{O}].",
		"Sejren betyder, at {T} nu har {N} point efter {N} runder og er {N} point fra [toppen|nedrykningsstregen].",
		"[Sportsdirektøren|Bestyrelsesformanden] {Q} har [budgetteret|afsat] {K} millioner kroner til [nye spillere|et nyt træningsanlæg].",
	}, quotes: []string{
		"Vi spillede med hjertet {D}, og [drengene|pigerne|holdet] fortjener den her sejr over {U}",
		"Det er [surt|hårdt] at tabe til {L} på den måde, men vi tager [meget|noget] positivt med hjem",
		"Han er [præcis|netop] den type spiller, vi har manglet i vores [offensiv|forsvar] siden {M}",
	}},
	{role: "vagtchef", ledes: []string{
		"Politiet i {T} efterlyser vidner efter et [indbrud|røveri|overfald] i en [guldsmedeforretning|kiosk|villa] natten til {D}.",
		"En {N}-årig [mand|kvinde] er anholdt efter et [røveri|indbrud] mod en [tankstation|bank|butik] i {T}.",
		"Trafikken på [motorvejen|omfartsvejen|landevejen] ved {T} var {D} [morgen|aften] spærret i {N} timer efter en [ulykke|brand].",
	}, body: []string{
		"[Gerningsmændene|De to mænd|Røverne] flygtede i en [mørk|hvid|grå] [bil|varevogn], der senere blev fundet i {U}.",
		"Der er ingen, der er kommet [alvorligt|livstruende] til skade, oplyser {Q} fra [politiet|{O}] {D}.",
		"Den anholdte blev {D} fremstillet i grundlovsforhør i {T}, hvor [han|hun] nægtede sig skyldig.",
		"Politiet har [sikret sig|gennemgået] [videooptagelser|billeder] fra {N} [overvågningskameraer|kameraer] i området omkring {S}.",
		"Ifølge {O} er der tale om den {N}. [lignende sag|anmeldelse] i {T} siden {M}.",
		"{O} opfordrer [bilisterne|trafikanterne] til at køre via {U}, indtil vejen er [ryddet|åbnet igen].",
		"[Borgere|Vidner], der har set noget mistænkeligt ved {S} {D}, bedes kontakte politiet på 114.",
		"Værdien af [tyvekosterne|byttet] anslås til {N} [tusinde|hundrede tusinde] kroner, oplyser {Q}.",
	}, quotes: []string{
		"Vi tager sagen [meget alvorligt|yderst alvorligt] og har sat {N} ekstra folk på [efterforskningen|sagen]",
		"Det er heldigvis gået [bedre|langt bedre], end det så ud til {D} [morgen|aften]",
		"Vi hører [meget gerne|gerne] fra alle, der har været ved {S} i {T} på det tidspunkt",
	}},
	{role: "meteorolog", ledes: []string{
		"DMI varsler [kraftig regn|skybrud|kraftig blæst] i {T} og resten af [Østjylland|Nordjylland|Sønderjylland|Sjælland] fra {D} eftermiddag.",
		"Der er målt {N} graders [varme|frost] i {T}, hvilket er årets [højeste|laveste] temperatur i {M}.",
		"[Stormen|Uvejret] har væltet træer og lukket [broer|veje|færgeruter] ved {T} natten til {D}.",
	}, body: []string{
		"Der kan falde op til {N} millimeter regn på [få|under {N}] timer, og {O} advarer mod [oversvømmede kældre|oversvømmelser].",
		"[Beredskabet|Brandvæsenet] i {T} har rykket ud til {N} opgaver, oplyser {Q} {D}.",
		"Vinden nåede op på [stormstyrke|orkanstyrke] ved {U}, hvor {N} [færgeafgange|togafgange] er aflyst.",
		"[Varmen|Kulden] ventes at holde frem til {D}, hvor det igen bliver mere [ustadigt|mildt], [siger|vurderer] {Q}.",
		"[Kommunen|Forsyningen] i {T} har lagt {N} sandsække ud ved {S} og [havnen|åen].",
		"[Energiselskaberne|{O}] melder om strømafbrydelser hos omkring {N} kunder i {T} og {U}.",
		"Meteorologerne følger et [nyt|kraftigt] lavtryk, der nærmer sig fra {L} og kan nå {T} {D}.",
		"Det er [første|anden] gang siden {M}, at {O} har udsendt et [varsel|farevarsel] for {T}.",
	}, quotes: []string{
		"Det er et vejr, man skal tage [alvorligt|seriøst], så bliv [hjemme|inde] {D}, hvis du kan",
		"Vi har ikke set så [høje|lave] temperaturer i {M} i {N} år",
		"Folk i {T} skal [sikre|fastgøre] løse genstande og holde sig væk fra [kysten|molen] ved {U}",
	}},
	{role: "udenrigsminister", ledes: []string{
		"Regeringen i {L} er gået af, efter at [et af støttepartierne|et regeringsparti] trak sin opbakning {D}.",
		"{L} og Danmark har indgået en aftale om [fælles indkøb af forsvarsmateriel|grøn energi|kabler i Østersøen] til {K} millioner kroner.",
		"Der er udskrevet valg i {L} til {M}, efter at forhandlingerne om [en ny finanslov|en pensionsreform] brød sammen.",
	}, body: []string{
		"Krisen begyndte i {M}, da et lovforslag om [pensionsalderen|skatten|asylpolitikken] faldt med {N} stemmer i parlamentet.",
		"Aftalen har en værdi af {K} millioner kroner og løber i {N} år, oplyser {O}.",
		"[Meningsmålingerne|Målingerne] i {L} viser et tæt løb, hvor de to største partier står til {C} procent hver.",
		"EU-Kommissionen har {D} opfordret {L} til at finde en [stabil|hurtig] løsning inden {M}.",
		"Danmarks ambassade i {L} følger situationen og har ikke ændret sin [rejsevejledning|vurdering], oplyser {Q}.",
		"[Landets præsident|Statsoverhovedet] skal nu udpege en ny [forhandlingsleder|regeringsleder] inden for {N} dage.",
		"Oppositionen i {L} kræver [en folkeafstemning|nyvalg] om aftalen, der også omfatter {U}.",
		"Handlen med {L} udgjorde sidste år {K} millioner kroner, viser tal fra {O}.",
	}, quotes: []string{
		"Vi har en fælles interesse i et [stærkt|sikkert] Europa, og samarbejdet med {L} er [afgørende|vigtigt]",
		"Det er et [trist|uheldigt] forløb i {L}, men demokratiet må gå sin gang",
		"Samarbejdet med vores nabolande er vigtigere end nogensinde efter {M}",
	}},
	{role: "overlæge", ledes: []string{
		"Ventetiden på [operationer|scanninger|behandling] på sygehuset i {T} er vokset til {N} uger.",
		"Et nyt studie fra {O} viser, at {C} procent af de unge i {T} sover for lidt på hverdage.",
		"Region [Midtjylland|Syddanmark|Nordjylland|Sjælland] åbner en akutklinik i {T}, der skal aflaste skadestuen i {U}.",
	}, body: []string{
		"Det skyldes ifølge {Q} især mangel på [sygeplejersker|narkosepersonale|radiografer] i {T} siden {M}.",
		"Studiet bygger på svar fra {N} [elever|unge|forældre] i {N} kommuner, oplyser {O}.",
		"Klinikken i {T} får åbent [alle ugens dage|på hverdage] fra klokken {N} og kan behandle {N} patienter.",
		"[Patientforeningerne|{O}] kalder udviklingen [bekymrende|alvorlig] og efterlyser en plan inden {M}.",
		"{O} anbefaler, at man lægger [skærmen|telefonen] væk {N} minutter før sengetid.",
		"Regionen har afsat {K} millioner kroner til at [nedbringe ventelisterne|ansætte personale] i {T} og {U}.",
		"{N} patienter fra {T} har i stedet valgt [et privathospital|behandling i {L}], oplyser {Q}.",
		"[Sygehusdirektøren|Ledelsen] {Q} forventer, at ventetiden er [halveret|nede på {N} uger] i {M}.",
	}, quotes: []string{
		"Vi gør alt, hvad vi kan, men vi mangler {N} [hænder|sygeplejersker] i {T}",
		"[Søvn|Nattesøvn] er afgørende for både [trivsel|koncentration] og [indlæring|sundhed]",
		"Det her er en [vigtig|markant] forbedring for borgerne i {T} og {U}",
	}},
	{role: "direktør", ledes: []string{
		"[Virksomheden|Koncernen|Fabrikken] i {T} fyrer {N} medarbejdere på grund af faldende ordrer fra {L}.",
		"Et dansk [energiselskab|pensionsselskab] bygger en [havvindmøllepark|solcellepark] til {K} millioner kroner ved {T}.",
		"[Medicinalvirksomheden|Industrikoncernen] fra {T} hæver sin forventning til årets overskud med {C} procent.",
	}, body: []string{
		"Fyringerne rammer især [produktionen|lageret|administrationen] i {T}, mens [salget|udviklingen] i {U} går fri.",
		"Parken skal levere strøm til omkring {N} tusinde husstande fra {M}, oplyser {O}.",
		"Aktien steg [med|knap] {C} procent i de første minutter efter [meddelelsen|regnskabet] {D}.",
		"[Fagforeningen|Tillidsrepræsentanten {Q}] har indkaldt til et møde med de berørte medarbejdere {D}.",
		"Virksomheden åbnede i {M} en fabrik i {L}, hvor {N} [ansatte|medarbejdere] nu arbejder.",
		"Projektet ved {T} mangler endnu [miljøgodkendelsen|en tilladelse] fra {O}, [siger|oplyser] {Q}.",
		"Regnskabet for hele året offentliggøres i {M}, hvor [omsætningen|indtjeningen] ventes at stige til {K} millioner kroner.",
		"Konkurrenten i {U} har i samme periode [ansat|afskediget] {N} medarbejdere, viser tal fra {O}.",
	}, quotes: []string{
		"Det er en [meget svær|hård] beslutning for {N} kolleger i {T}, som vi har tænkt grundigt over",
		"Vi tror på, at [grøn energi|vindkraft] er fremtiden for hele [regionen|området] omkring {T}",
		"Resultatet er [bedre|markant bedre], end vi havde [turdet håbe|regnet med] i {M}",
	}},
}

// article builds the i-th article: a header line with the date and lede,
// then body paragraphs (some of them quotes), then the agency line.
func (g *gen) article(i int) string {
	tp := topics[g.r.IntN(len(topics))]
	st := &draft{g: g, person: g.pick(firstNames) + " " + g.pick(lastNames), town: g.pick(towns), country: g.pick(countries)}

	date := fmt.Sprintf("%d-%02d", 2023+g.r.IntN(3), 1+g.r.IntN(12))
	var b strings.Builder
	fmt.Fprintf(&b, " date %s %s\n", date, st.fill(g.pick(tp.ledes)))

	// Body sentences in a shuffled order, so paragraphs differ between
	// stories of the same topic.
	order := g.r.Perm(len(tp.body))
	paras := 4 + g.r.IntN(6)
	next := 0
	for p := 0; p < paras; p++ {
		b.WriteString("\n")
		switch {
		case p == 0:
			// The time of day, from the article's number, keeps every
			// article distinct even where the random choices coincide.
			fmt.Fprintf(&b, "%s, der er %s, %s klokken %02d.%02d.\n",
				st.fill("[Det oplyser|Det siger|Det fortæller|Det skriver] {P}"), tp.role,
				st.fill("[i en meddelelse|til Ritzau|på et pressemøde|i en pressemeddelelse] {D}"), i%24, (i/24)%60)
		case p%3 == 2:
			fmt.Fprintf(&b, "- %s, siger %s.\n", st.fill(g.pick(tp.quotes)), st.person)
		default:
			sentences := 1 + g.r.IntN(3)
			for s := 0; s < sentences; s++ {
				if s > 0 {
					b.WriteString(" ")
				}
				b.WriteString(st.fill(tp.body[order[next%len(order)]]))
				next++
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n")
	b.WriteString(g.pick(agencies))
	// Wire files often end without a newline.
	if g.r.IntN(2) == 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// draft is what stays the same throughout one article: its main person,
// town and country.
type draft struct {
	g                     *gen
	person, town, country string
}

// fill expands a template: [a|b] picks one choice (templates nest), {X} a
// placeholder (see placeholder).
func (st *draft) fill(s string) string {
	var b strings.Builder
	for k := 0; k < len(s); k++ {
		switch {
		case s[k] == '[':
			end := strings.IndexByte(s[k:], ']')
			choices := strings.Split(s[k+1:k+end], "|")
			b.WriteString(st.fill(choices[st.g.r.IntN(len(choices))]))
			k += end
			continue
		case s[k] != '{' || k+2 >= len(s) || s[k+2] != '}':
			b.WriteByte(s[k])
			continue
		}
		st.placeholder(&b, s[k+1])
		k += 2
	}
	return b.String()
}

// placeholder writes {c}: the story's Person, Town and Land, or a fresh
// other person (Q), town (U), Organisation, thing (S), Day, Month, Number,
// (K) amount or deCimal.
func (st *draft) placeholder(b *strings.Builder, c byte) {
	g := st.g
	switch c {
	case 'P':
		b.WriteString(st.person)
	case 'Q':
		b.WriteString(g.pick(firstNames) + " " + g.pick(lastNames))
	case 'T':
		b.WriteString(st.town)
	case 'U':
		b.WriteString(g.pick(towns))
	case 'L':
		b.WriteString(st.country)
	case 'O':
		b.WriteString(g.pick(orgs))
	case 'S':
		b.WriteString(g.pick(things))
	case 'D':
		b.WriteString(g.pick(weekdays))
	case 'M':
		b.WriteString(g.pick(months))
	case 'N':
		fmt.Fprint(b, 2+g.r.IntN(400))
	case 'K':
		fmt.Fprint(b, 5+g.r.IntN(900))
	case 'C':
		fmt.Fprintf(b, "%d,%d", g.r.IntN(12), g.r.IntN(10))
	}
}
