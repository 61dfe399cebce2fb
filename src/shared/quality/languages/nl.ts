import type { LanguagePhrases } from './types';

export const nl: LanguagePhrases = {
  code: 'nl',
  questionStart: [
    'hoe', 'wat', 'waarom', 'wanneer', 'waar', 'welke?', 'wie', 'hoeveel', 'kan', 'kun', 'kunt', 'kunnen', 'zou', 'zouden', 'wil',
    'is', 'zijn', 'heb', 'hebt', 'heeft', 'hebben', 'mag', 'moet', 'moeten', 'klopt', 'gaat', 'doet',
  ],
  request: [
    'hulp', 'helpen', 'nodig', 'wil graag', 'zou graag', 'graag', 'wil', 'willen', 'alstublieft', 'alsjeblieft', 'aub', 'a\\.u\\.b\\.',
    'probleem', 'problemen', 'fout', 'foutmelding', 'werkt niet', 'doet het niet', 'kapot', 'defect', 'stuk', 'terugbetaling',
    'terugbetalen', 'geld terug', 'retour', 'retourneren', 'terugsturen', 'annuleren', 'annulering', 'opzeggen', 'wijzigen',
    'veranderen', 'resetten', 'bestelling', 'besteld', 'vraag', 'vragen', 'niet (?:aangekomen|ontvangen|geleverd|bezorgd)',
    'nooit (?:aangekomen|ontvangen)', 'kwijt', 'verloren', 'gestolen', 'geblokkeerd', 'afgeschreven', 'dubbel', 'klacht',
    'vertraging', 'vertraagd', 'te laat', 'beschadigd', 'ontbreekt', 'reserveren', 'boeken', 'overgemaakt', 'overboeking',
    'fraude', 'oplichting', 'weten',
  ],
  phatic: [
    'hallo', 'hoi', 'hey', 'hi', 'goede(?:morgen|middag|navond)', 'goedendag', 'dag',
    '(?:heel )?(?:erg )?bedankt(?: voor (?:uw|je|de) (?:hulp|tijd|geduld))?', 'dank(?:je| u)?(?: wel)?', 'dankjewel', 'dank u wel',
    'doei', 'tot ziens', 'fijne dag(?: nog)?', 'prettige dag', 'oké', 'ok(?:e)?', 'prima', 'perfect', 'top', 'super', 'mooi',
    'goed', 'in orde', 'begrepen', 'ja', 'nee', 'dat was het', 'dat is alles', 'verder niets', 'jij ook', 'u ook', 'insgelijks',
  ],
  handoff: [
    'ik (?:verbind|zet|stuur) (?:u|je) (?:nu )?door',
    'ik (?:ga )?(?:u|je) (?:nu )?doorverbinden',
    'ik (?:stuur|zet|geef) (?:uw|je) (?:vraag|verzoek|melding|zaak) door (?:naar|aan)',
    '(?:een|mijn) (?:collega|leidinggevende|specialist|supervisor) (?:neemt|zal) (?:contact (?:met u |met je )?op|het overnemen|u terugbellen)',
    'neem (?:dan )?(?:contact op met|even contact op met) (?:onze|de|het) (?:afdeling|klantenservice|team)',
  ],
  apology: ['sorry', 'excuses', 'excuus', 'excuseer', 'spijt', 'verontschuldig\\p{L}*'],
  filler: [
    '(?:het )?spijt (?:me|ons)(?: heel| erg| zeer)*\\b.*',
    '(?:onze |mijn )?(?:excuses|excuus)\\b.*',
    '(?:ik|wij|we) (?:bied|bieden) (?:u |je )?(?:onze |mijn )?(?:excuses|verontschuldigingen)\\b.*',
    'sorry\\b.*',
    '(?:heel )?(?:erg )?bedankt\\b.*',
    'dank (?:u|je)\\b.*',
    '(?:een )?moment(?:je)? geduld\\b.*',
    'ik begrijp\\b.*',
    '(?:helaas )?kan ik (?:u |je )?(?:daar |hier )?niet (?:mee )?helpen\\.?',
  ],
  outOfScope: [
    '(?:valt|ligt) (?:helaas )?buiten (?:mijn|ons) (?:bereik|vakgebied|terrein|domein|takenpakket)',
    '(?:daar|hiermee|daarmee) kan ik (?:u |je )?(?:helaas )?niet (?:mee )?helpen',
    'ik kan (?:u |je )?(?:alleen|uitsluitend|enkel) (?:helpen|antwoorden)',
    'ik (?:kan|mag) (?:u |je )?(?:helaas )?geen (?:\\p{L}+)?(?:advies|adviezen|aanbevelingen)',
    'daar(?:over)? heb ik geen informatie',
    'ik begrijp (?:niet )?(?:goed )?wat (?:u|je) bedoelt',
  ],
  hedge: [
    '(?:(?:hmm+|tja|nou),? )?(?:het|dat) hangt (?:er ?van |daarvan )?af\\b.*',
    '(?:(?:hmm+|tja|nou),? )?(?:misschien|wellicht|mogelijk|waarschijnlijk)\\.?',
    '(?:(?:hmm+|tja|nou),? )?(?:ik weet het )?niet (?:helemaal )?zeker\\b.*',
    '(?:(?:hmm+|tja|nou),? )?(?:dat )?weet ik niet\\.?',
    '(?:(?:hmm+|tja|nou),? )?moeilijk te zeggen\\.?',
    '(?:(?:hmm+|tja|nou),? )?we zien wel\\.?',
    'hmm+\\.?',
  ],
  refusal: [
    '(?:ik|wij|we) (?:kan|kunnen|mag|mogen|ga|gaan) (?:u |je )?(?:daar(?:mee)? |dat )?niet (?:helpen|doen|geven|delen|wijzigen|negeren)',
    'dat (?:kan|mag) ik (?:helaas )?niet',
  ],
  unsafeRequest: [
    '(?:negeer|vergeet) (?:alle )?(?:vorige|eerdere) (?:instructies|regels)',
    'hoe (?:maak|bouw) (?:ik|je) (?:een )?(?:bom|explosief|wapen)',
    '(?:hacken|inloggen op) (?:het )?account van',
  ],
  abusive: [
    'kut', 'kanker', 'klootzak', 'klootzakken', 'hoer', 'hoeren', 'tyfus', 'godverdomme', 'lul', 'mongool', 'flikker',
    'kankerlijer', 'tering', 'teringlijer', 'kutwijf', 'rotzak',
  ],
};
