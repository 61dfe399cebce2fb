/**
 * Per-language material for the name detector, written by hand for tuneloop (common given names
 * and surnames of each language area, forms of address and the phrases that introduce a name).
 * Lists of frequent names are facts, not anyone's work; these were compiled from general
 * knowledge, not copied from a name database. Lower case; `|` separates entries.
 *
 * `commonWords` are capitalised words of the language that are never names on their own (formal
 * pronouns, greetings, nouns that are also given names), so they are not taken for one.
 */
export interface LanguageLexicon {
  given: string;
  surnames: string;
  /** Titles that put a name after them ("Herr Müller", "Mme Dubois"); with or without the dot. */
  honorifics: string;
  /** Phrases after which the next capitalised words are a name ("mein Name ist", "je m'appelle"). */
  nameCues: string;
  /** Greetings and sign-offs: a name after them counts only when the gazetteer or its shape says so. */
  weakCues: string;
  commonWords: string;
}

const SHARED_HONORIFICS = 'dr|prof|mr|mrs|ms|miss|mx';

export const LANGUAGES: Record<string, LanguageLexicon> = {
  en: {
    given: '',
    surnames: '',
    honorifics: `${SHARED_HONORIFICS}|sir|madam|mister|missus|lord|lady|rev|fr|capt|sgt|officer|agent|judge|nurse|coach`,
    nameCues:
      "my name is|my name's|name is|name:|call me|i am called|signed|my last name is|my first name is|my surname is|the name on the account is",
    weakCues:
      "i am|i'm|this is|dear|hi|hello|hey|thanks|thank you|regards,|best regards,|kind regards,|sincerely,|cheers,|best,|ask|asked|told|tell|spoke to|speak to|talked to|contact|and",
    commonWords: '',
  },
  de: {
    given:
      'alexander|andreas|anna|annette|barbara|bernd|birgit|brigitte|christian|christina|claudia|daniel|david|dieter|dirk|elke|emma|erika|felix|finn|florian|frank|gabriele|gerhard|günter|hannah|hans|heike|heinz|helga|helmut|ingrid|jan|jana|jens|johanna|jonas|jörg|julia|jürgen|karin|karl|katharina|kerstin|klaus|laura|lea|leon|lukas|manfred|marie|marion|markus|martin|martina|matthias|maximilian|melanie|michael|mia|monika|nicole|niklas|oliver|paul|petra|peter|philipp|ralf|renate|sabine|sandra|sebastian|silke|simone|sophie|stefan|stefanie|steffen|susanne|sven|thomas|tim|tobias|torsten|ulrich|ursula|uta|ute|uwe|werner|wolfgang|yvonne|lena|lina|jakob|moritz|niklas|ole|greta|frieda|henrik|anke|dörte|gisela|hildegard|irmgard|friedrich|wilhelm|heinrich|rüdiger|volker|detlef|horst|kai-uwe',
    surnames:
      'müller|schmidt|schneider|fischer|weber|meyer|meier|wagner|becker|schulz|hoffmann|schäfer|koch|bauer|richter|klein|wolf|schröder|neumann|schwarz|zimmermann|braun|krüger|hofmann|hartmann|lange|schmitt|werner|schmitz|krause|meier|lehmann|schmid|schulze|maier|köhler|herrmann|könig|walter|mayer|huber|kaiser|fuchs|peters|lang|scholz|möller|weiß|jung|hahn|schubert|vogel|friedrich|keller|günther|frank|berger|winkler|roth|beck|lorenz|baumann|franke|albrecht|schuster|simon|ludwig|böhm|winter|kraus|martin|schumacher|krämer|vogt|stein|jäger|otto|sommer|groß|seidel|heinrich|brandt|haas|schreiber|graf|schulte|dietrich|ziegler|kuhn|kühn|pohl|engel|horn|busch|bergmann|thomas|voigt|sauer|arnold|wolff|pfeiffer',
    honorifics: `${SHARED_HONORIFICS}|herr|herrn|frau|hr|fr|dipl.-ing|ing`,
    nameCues:
      'mein name ist|mein name lautet|ich heiße|ich heisse|name:|nachname:|vorname:|mein nachname ist|mein vorname ist|mit freundlichen grüßen|mit freundlichen grüssen|viele grüße|beste grüße|liebe grüße|freundliche grüße',
    weakCues: 'hallo|hi|liebe|lieber|guten tag|danke|vielen dank|grüße|gruß|von|an|mit|und',
    // Formal pronouns and nouns that are also given names ("die Gabe", "am Kai", "die Heide").
    commonWords:
      'sie|ihnen|ihr|ihre|ihrer|ihres|ihren|ihrem|du|dir|dich|dein|deine|euch|euer|gabe|kai|heide|mark|rose|rosa|ernst|frieden|frau|herr|kunde|kundin|kundenservice|team|support|service|danke|bitte|hallo|grüße|gruß|ihre|gerne|leider|natürlich|viele|beste|liebe|freundlichen|mit|guten|tag|morgen|abend|paket|bestellung|lieferung|rechnung|konto|karte|problem|lösung|frage|antwort|hilfe',
  },
  fr: {
    given:
      'jean|pierre|michel|philippe|alain|nicolas|christophe|patrick|daniel|françois|laurent|éric|eric|stéphane|david|julien|thomas|sébastien|frédéric|olivier|vincent|antoine|maxime|alexandre|romain|guillaume|mathieu|louis|lucas|hugo|léo|gabriel|arthur|jules|marie|nathalie|isabelle|sylvie|catherine|françoise|valérie|christine|sandrine|sophie|céline|stéphanie|julie|camille|aurélie|émilie|emilie|chloé|léa|manon|inès|jade|louise|alice|juliette|claire|anne|monique|brigitte|hélène|élodie|margaux|pauline|thierry|yves|bernard|gérard|benoît|clément|quentin|théo|mathilde|agathe|océane|sarah|laura|lucie|amandine|delphine|virginie|jacques|henri|rené|joël|gilles|fabrice|cédric|jérôme|jean-pierre|jean-luc|marie-claire|anne-sophie',
    surnames:
      'martin|bernard|dubois|thomas|robert|richard|petit|durand|leroy|moreau|simon|laurent|lefebvre|michel|garcia|david|bertrand|roux|vincent|fournier|morel|girard|andré|lefèvre|mercier|dupont|lambert|bonnet|françois|martinez|legrand|garnier|faure|rousseau|blanc|guérin|muller|henry|roussel|nicolas|perrin|morin|mathieu|clément|gauthier|dumont|lopez|fontaine|chevalier|robin|masson|sanchez|gérard|nguyen|boyer|denis|lemaire|duval|joly|gautier|roger|roche|roy|noël|meyer|lucas|meunier|jean|perez|marchand|dufour|blanchard|marie|barbier|brun|dumas|brunet|schmitt|leroux|colin|fernandez|pierre|renard|arnaud|rolland|caron|aubert|giraud|leclerc|vidal|bourgeois|renaud|lemoine|picard|gaillard|philippe|leclercq|lacroix|fabre|dupuis|olivier|rodriguez|da silva|hubert|louis|charles|guillot|rivière|le gall|guillaume|adam|rey|moulin|gonzalez|berger|lecomte|menard|fleury|deschamps|carpentier|julien|benoit|paris|maillard|marchal|aubry|vasseur|le roux|renault|jacquet|collet|prévost|poirier|charpentier|royer|huet|baron|dupuy|pons|paul|laine|carré|breton|remy|schneider|perrot|guyot|barre|marty|cousin',
    honorifics: `${SHARED_HONORIFICS}|m|mme|mlle|monsieur|madame|mademoiselle|me|maître|docteur|pr`,
    nameCues:
      "je m'appelle|je m’appelle|mon nom est|mon nom de famille est|mon prénom est|nom :|nom:|prénom :|prénom:|cordialement,|bien cordialement,|bien à vous,",
    weakCues: "bonjour|bonsoir|salut|cher|chère|merci|je suis|c’est|c'est|de la part de|avec|et",
    commonWords:
      'vous|votre|vos|nous|notre|madame|monsieur|bonjour|bonsoir|merci|cordialement|désolé|désolée|service|client|cliente|équipe|commande|colis|livraison|facture|compte|carte|problème|aide|pierre|rose|olive|prune|blanche|claire|constance|patience|espérance|aimé|clément|désiré|france',
  },
  es: {
    given:
      'antonio|josé|jose|manuel|francisco|david|juan|javier|daniel|carlos|jesús|alejandro|miguel|rafael|pedro|pablo|ángel|sergio|fernando|jorge|luis|alberto|álvaro|adrián|diego|raúl|enrique|ramón|vicente|andrés|joaquín|santiago|víctor|eduardo|roberto|ignacio|marcos|hugo|mario|iván|rubén|óscar|oscar|gonzalo|guillermo|maría|maria|carmen|ana|isabel|laura|cristina|marta|lucía|lucia|elena|sara|paula|raquel|rosa|pilar|beatriz|nuria|silvia|julia|irene|patricia|andrea|alba|sofía|sofia|claudia|natalia|rocío|rocio|teresa|montserrat|inmaculada|mercedes|alicia|esther|eva|sonia|verónica|mónica|lorena|valeria|camila|valentina|gabriela|daniela|fernanda|ximena|alejandra|josefa|juana|francisca|dolores|consuelo|amparo|josé luis|juan carlos|maría josé|juan antonio',
    surnames:
      'garcía|garcia|rodríguez|rodriguez|gonzález|gonzalez|fernández|fernandez|lópez|lopez|martínez|martinez|sánchez|sanchez|pérez|perez|gómez|gomez|martín|martin|jiménez|jimenez|ruiz|hernández|hernandez|díaz|diaz|moreno|muñoz|álvarez|alvarez|romero|alonso|gutiérrez|gutierrez|navarro|torres|domínguez|dominguez|vázquez|vazquez|ramos|gil|ramírez|ramirez|serrano|blanco|molina|morales|suárez|suarez|ortega|delgado|castro|ortiz|rubio|marín|marin|sanz|núñez|nuñez|iglesias|medina|garrido|cortés|cortes|castillo|santos|lozano|guerrero|cano|prieto|méndez|mendez|cruz|calvo|gallego|vidal|león|leon|márquez|marquez|herrera|peña|flores|cabrera|campos|vega|fuentes|carrasco|diez|caballero|reyes|nieto|aguilar|pascual|santana|herrero|lorenzo|montero|hidalgo|giménez|ibáñez|ferrer|durán|santiago|benítez|mora|vicente|vargas|arias|carmona|crespo|román|pastor|soto|sáez|velasco|moya|soler|parra|esteban|bravo|gallardo|rojas',
    honorifics: `${SHARED_HONORIFICS}|sr|sra|srta|señor|señora|señorita|don|doña|dña|lic|licenciado|licenciada|ing`,
    nameCues: 'me llamo|mi nombre es|mi apellido es|nombre:|nombre :|apellido:|atentamente,|saludos cordiales,|un saludo,',
    weakCues: 'hola|buenos días|buenas tardes|buenas noches|estimado|estimada|querido|querida|gracias|soy|saludos,|con|y',
    commonWords:
      'usted|ustedes|su|sus|nosotros|hola|gracias|saludos|atentamente|servicio|cliente|equipo|pedido|paquete|envío|factura|cuenta|tarjeta|problema|ayuda|rosa|pilar|luz|paz|dolores|mercedes|consuelo|amparo|cruz|blanca|victoria|esperanza|soledad|concepción|asunción|encarnación|remedios|rocío|socorro|gloria|aurora|salvador|santos|reyes|flores|campos|fuentes|vega|parra|mora|león|bravo|caballero|castillo|cano|calvo|crespo|esteban|pastor',
  },
  it: {
    given:
      'giuseppe|giovanni|antonio|mario|luigi|francesco|angelo|vincenzo|pietro|salvatore|carlo|franco|domenico|bruno|paolo|michele|giorgio|aldo|sergio|luciano|marco|andrea|alessandro|luca|matteo|lorenzo|leonardo|gabriele|riccardo|tommaso|davide|simone|federico|stefano|roberto|massimo|fabio|alberto|daniele|emanuele|maria|anna|giuseppina|rosa|angela|giovanna|teresa|lucia|carmela|caterina|francesca|antonietta|chiara|sara|giulia|alessia|martina|sofia|aurora|alice|ginevra|emma|giorgia|elena|valentina|federica|silvia|laura|paola|elisa|roberta|monica|barbara|cristina|simona|claudia|stefania|daniela|raffaella|serena|ilaria|beatrice|camilla|gianluca|gianni|pierluigi|giancarlo|maurizio|enrico|nicola|filippo|alessandra|manuela|patrizia',
    surnames:
      "rossi|russo|ferrari|esposito|bianchi|romano|colombo|ricci|marino|greco|bruno|gallo|conti|de luca|mancini|costa|giordano|rizzo|lombardi|moretti|barbieri|fontana|santoro|mariani|rinaldi|caruso|ferrara|galli|martini|leone|longo|gentile|martinelli|vitale|lombardo|serra|coppola|de santis|d’angelo|d'angelo|marchetti|parisi|villa|conte|ferraro|ferri|fabbri|bianco|marini|grasso|valentini|messina|sala|de angelis|gatti|pellegrini|palumbo|sanna|farina|rizzi|monti|cattaneo|morelli|amato|silvestri|mazza|testa|grassi|pellegrino|carbone|giuliani|benedetti|barone|rossetti|caputo|montanari|guerra|palmieri|bernardi|martino|fiore|de rosa|ferretti|bellini|basile|riva|donati|piras|vitali|battaglia|sartori|neri|costantini|milani|pagano|ruggiero|sorrentino|d’amico|orlando|damico|negri",
    honorifics: `${SHARED_HONORIFICS}|sig|sig.ra|sig.na|signor|signore|signora|signorina|dott|dott.ssa|dottor|dottore|dottoressa|ing|avv|geom|rag`,
    nameCues: 'mi chiamo|il mio nome è|il mio cognome è|nome:|nome :|cognome:|cordiali saluti,|distinti saluti,|un cordiale saluto,',
    weakCues: 'ciao|buongiorno|buonasera|salve|gentile|caro|cara|grazie|sono|saluti,|con|e',
    commonWords:
      'lei|voi|suo|sua|suoi|sue|vostro|vostra|ciao|buongiorno|grazie|saluti|cordiali|servizio|cliente|clienti|assistenza|ordine|pacco|spedizione|fattura|conto|carta|problema|aiuto|rosa|aurora|speranza|serena|fortunato|felice|bianco|bruno|costa|conte|testa|guerra|fiore|villa|sala|gallo|leone|grasso|serra|monti|riva|neri|italia',
  },
  pt: {
    given:
      'joão|joao|josé|jose|antónio|antonio|francisco|manuel|pedro|paulo|carlos|luís|luis|miguel|rui|nuno|tiago|ricardo|bruno|andré|andre|diogo|rafael|gonçalo|goncalo|duarte|martim|tomás|tomas|lucas|gabriel|gustavo|mateus|matheus|felipe|rodrigo|fernando|marcelo|eduardo|daniel|vitor|vítor|sérgio|jorge|maria|ana|joana|sofia|beatriz|inês|ines|mariana|catarina|rita|leonor|matilde|carolina|marta|sara|patrícia|patricia|cláudia|claudia|susana|sandra|teresa|isabel|paula|helena|margarida|fernanda|luísa|luisa|juliana|camila|larissa|amanda|bruna|letícia|leticia|gabriela|vanessa|aline|adriana|raquel|vitória|vitoria|daniela|renata|tatiane|priscila|thiago|leonardo|vinícius|vinicius|caio|henrique|luana|bianca|débora|conceição|graça',
    surnames:
      'silva|santos|ferreira|pereira|oliveira|costa|rodrigues|martins|jesus|sousa|fernandes|gonçalves|goncalves|gomes|lopes|marques|alves|almeida|ribeiro|pinto|carvalho|teixeira|moreira|correia|mendes|nunes|soares|vieira|monteiro|cardoso|rocha|raposo|neves|coelho|cruz|cunha|pires|ramos|reis|simões|simoes|antunes|matos|fonseca|machado|araújo|araujo|barbosa|tavares|lourenço|castro|figueiredo|azevedo|freitas|barros|lima|nascimento|melo|moura|cavalcanti|dias|batista|campos|miranda|andrade|xavier|magalhães|magalhaes|guimarães|guimaraes|leite|brito|macedo|vasconcelos|pacheco|sampaio|quintela|baptista|valente|viana|faria|borges|amaral|fernandes',
    honorifics: `${SHARED_HONORIFICS}|sr|sra|srª|senhor|senhora|dona|d|eng|engº|dra|doutor|doutora`,
    nameCues:
      'me chamo|chamo-me|meu nome é|o meu nome é|o meu apelido é|meu sobrenome é|nome:|nome :|apelido:|sobrenome:|atenciosamente,|cumprimentos,|com os melhores cumprimentos,',
    weakCues: 'olá|ola|oi|bom dia|boa tarde|boa noite|caro|cara|prezado|prezada|obrigado|obrigada|sou|com|e',
    commonWords:
      'você|vocês|o senhor|a senhora|seu|sua|olá|obrigado|obrigada|cumprimentos|atenciosamente|serviço|cliente|equipe|equipa|encomenda|pedido|pacote|entrega|fatura|conta|cartão|problema|ajuda|graça|conceição|luz|glória|aurora|rosa|vitória|cruz|rocha|neves|reis|campos|valente|castro|lima|moura|costa|brasil|portugal',
  },
  nl: {
    given:
      'jan|johannes|hendrik|cornelis|willem|pieter|gerrit|jacob|dirk|klaas|peter|hans|kees|henk|bart|sander|thijs|ruben|daan|sem|lucas|levi|finn|milan|bram|jesse|lars|tim|niels|koen|joost|jeroen|erik|marco|martijn|maarten|wouter|arjen|robbert|mark|maria|anna|johanna|cornelia|elisabeth|wilhelmina|hendrika|geertje|petra|anja|ingrid|monique|sandra|linda|marieke|esther|ilse|inge|sanne|lotte|lisa|julia|emma|sophie|tess|zoë|fleur|anouk|femke|eva|noa|sara|lieke|iris|floor|roos|nina|fenna|mees|thomas|stijn|joris|gijs|tom|rik|ellen|karin|mirjam|wendy|nicole|annemarie|hanneke|marloes|jolanda',
    surnames:
      'de jong|jansen|de vries|van den berg|van de berg|van dijk|bakker|janssen|visser|smit|meijer|de boer|mulder|de groot|bos|vos|peters|hendriks|van leeuwen|dekker|brouwer|de wit|dijkstra|smits|de graaf|van der meer|van der linden|kok|jacobs|de haan|vermeulen|van den heuvel|van der veen|van den broek|de bruijn|de bruin|van der heijden|schouten|van beek|willems|van vliet|van de ven|hoekstra|maas|verhoeven|koster|van dam|van der wal|prins|blom|huisman|peeters|de leeuw|kuiper|van veen|van der berg|kuipers|verbeek|timmermans|de ruiter|hermans|claes|maes|wouters|mertens|goossens|de smet|de backer|van damme|lambrechts|aerts|martens|van der meulen|van wijk|postma|veenstra|boersma',
    honorifics: `${SHARED_HONORIFICS}|dhr|mevr|mevrouw|meneer|heer|juffrouw|ir|drs|mr`,
    nameCues:
      'mijn naam is|ik heet|mijn achternaam is|mijn voornaam is|naam:|naam :|achternaam:|met vriendelijke groet,|met vriendelijke groeten,|vriendelijke groet,',
    weakCues: 'hallo|hoi|beste|goedemorgen|goedemiddag|goedenavond|dag|bedankt|dank je|dank u|groeten,|groet,|ik ben|met|en',
    commonWords:
      'u|uw|jij|jou|je|jullie|wij|hallo|beste|bedankt|groet|groeten|klantenservice|klant|team|bestelling|pakket|levering|factuur|rekening|kaart|probleem|hulp|roos|floor|iris|mees|bos|vos|kok|maas|prins|blom|dekker|bakker|visser|smit|mulder|nederland|belgië',
  },
};

/**
 * The languages of this file (their name lists form one pool). An unsure language guess of one of
 * them is followed (`languageOrEnglish`); the other languages with name rules are in
 * `casedLanguages.ts` and `uncasedLanguages.ts` (`NAME_DETECTOR_LANGUAGES` lists them all).
 */
export const WESTERN_NAME_LANGUAGES = Object.keys(LANGUAGES);
