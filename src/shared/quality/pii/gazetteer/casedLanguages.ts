import type { LanguageLexicon } from './languages';

/**
 * Name material for languages written with upper and lower case outside the western European set
 * of `languages.ts`: Russian, Ukrainian, Polish, Turkish, Greek, Vietnamese. Written by hand for
 * tuneloop from general knowledge (frequent given names and surnames are facts, not anyone's
 * work; nothing was copied from a name database). Lower case (Turkish in Turkish lower case: "ı",
 * "i"; Greek with its accents, which the detector folds away; Russian "ё" as "е"); `|` separates
 * entries.
 *
 * These languages keep their own pools: their names are not added to the English or western
 * European gazetteers (an English text's name rules are exactly what they were), and their tables
 * are built on the first text of the language (`nameGazetteer`).
 */
export interface CasedLexicon extends LanguageLexicon {
  /**
   * Given names that are also everyday words ("Вера" faith, "Deniz" sea, "Ελπίδα" hope): a name
   * only next to another name word or after a cue. Also listed in `given`.
   */
  ambiguousGiven: string;
  /** Places of the language area (single or several words): never a person. */
  places: string;
  /**
   * Words right before capitalised words that make them a place, street, language or company
   * ("улица Пушкина", "tiếng Anh", "ul. Kościuszki"), unless a name cue says otherwise.
   */
  placeCues: string;
  /** Capitalised words after a name that make the run a street or organisation ("Atatürk Caddesi"). */
  notPersonAfter: string;
  /** Forms of address written after the name ("Ahmet Bey", "Ayşe Hanım'a"). */
  postHonorifics: string;
  /** One-letter words (prepositions, articles, "я") that are not initials when capitalised. */
  oneLetterWords: string;
  /**
   * Case endings back to the nominative, as "ending base base …" (`-` for no base): "ому ий ой ый"
   * reads "Достоевскому" as "достоевский". Each candidate is looked up in the lists; a word the
   * lists do not know stays unknown, so rules only ever widen what a list already holds.
   */
  inflections: readonly string[];
  /**
   * Endings of `inflections` that make another person's name rather than a case of the same one
   * (Hungarian "-né", "wife of": Kovácsné is not Kovács). The detector reads them as names; the
   * placeholder map does not give them the number of the name they are made from.
   */
  notCaseEndings?: readonly string[];
  /** Feminine surnames made from the masculine ones ("ов ова": Петров → Петрова). */
  feminineSurnames: readonly string[];
  /** Languages whose given names and surnames are this language's own too (ru ↔ uk). */
  related: readonly string[];
  /**
   * Lower-case words after capitalised ones that make them a street or company, written after the
   * name ("Kossuth Lajos utca", "Karl Johans gate", "Nokia oyj").
   */
  streetsAfter?: string;
}

/**
 * Given names of sv/da/no that are also words of one of them ("Hans" his, "Per" per, "Bo" live,
 * "Liv" life, "Dag" day, "Odd" point, "Tone", "Rune", "Björn"/"Bjørn" bear): the three share their
 * name pools (`related`), so they share this list too.
 */
const SCANDINAVIAN_AMBIGUOUS =
  'hans|per|bo|dag|sten|stig|saga|klara|björn|bjørn|ulf|tor|vera|signe|alva|moa|siv|britt|finn|line|mie|odd|even|liv|gro|tone|rune|aud';

export const CASED_LANGUAGES: Record<string, CasedLexicon> = {
  ru: {
    given:
      'александр|алексей|анатолий|андрей|антон|аркадий|арсений|артем|артур|борис|вадим|валентин|валерий|василий|виктор|виталий|владимир|владислав|всеволод|вячеслав|геннадий|георгий|глеб|григорий|даниил|данил|денис|дмитрий|евгений|егор|иван|игорь|илья|кирилл|константин|леонид|максим|матвей|михаил|никита|николай|олег|павел|петр|роман|руслан|святослав|семен|сергей|станислав|степан|тимофей|тимур|федор|филипп|эдуард|юрий|ярослав|яков|саша|паша|дима|миша|женя|леша|коля|вова|сережа|костя|алена|александра|алина|алиса|алла|анастасия|ангелина|анна|антонина|валентина|валерия|варвара|вера|вероника|виктория|галина|дарья|диана|евгения|екатерина|елена|елизавета|жанна|зинаида|зоя|инна|ирина|карина|кира|кристина|ксения|лариса|лидия|любовь|людмила|маргарита|марина|мария|милана|надежда|наталья|наталия|нина|оксана|олеся|ольга|полина|раиса|светлана|софия|софья|таисия|тамара|татьяна|ульяна|юлия|яна|настя|катя|таня|наташа|маша|лена|оля|света|юля|ира|даша|аня|лев|слава',
    ambiguousGiven: 'вера|надежда|любовь|роман|лев|слава|алиса',
    surnames:
      'иванов|смирнов|кузнецов|попов|васильев|петров|соколов|михайлов|новиков|федоров|морозов|волков|алексеев|лебедев|семенов|егоров|павлов|козлов|степанов|николаев|орлов|андреев|макаров|никитин|захаров|зайцев|соловьев|борисов|яковлев|григорьев|романов|воробьев|сергеев|кузьмин|фролов|александров|дмитриев|королев|гусев|киселев|ильин|максимов|поляков|сорокин|виноградов|ковалев|белов|медведев|антонов|тарасов|жуков|баранов|филиппов|комаров|давыдов|беляев|герасимов|богданов|осипов|сидоров|матвеев|титов|марков|миронов|крылов|куликов|карпов|власов|мельников|денисов|гаврилов|тихонов|казаков|афанасьев|данилов|савельев|тимофеев|фомин|чернов|абрамов|мартынов|ефимов|федотов|щербаков|назаров|калинин|исаев|чернышев|быков|маслов|родионов|коновалов|лазарев|воронин|климов|филатов|пономарев|голубев|кудрявцев|прохоров|наумов|потапов|журавлев|овчинников|трофимов|леонов|соболев|ермаков|колесников|гончаров|емельянов|никифоров|грачев|котов|гришин|ефремов|архипов|громов|кириллов|малышев|панов|моисеев|румянцев|акимов|кондратьев|бирюков|горбунов|анисимов|еремин|тихомиров|галкин|лукьянов|скворцов|белоусов|нестеров|симонов|харитонов|князев|цветков|левин|воронов|аксенов|мальцев|логинов|горшков|савин|краснов|майоров|демидов|елисеев|рыбаков|плотников|фадеев|молчанов|литвинов|ершов|ушаков|рябов|мухин|калашников|леонтьев|лобанов|бородин|платонов|некрасов|бобров|жданов|блинов|коротков|муравьев|крюков|дроздов|лавров|зуев|петухов|ларин|никулин|серов|зотов|устинов|фокин|самойлов|сахаров|шишкин|носов|воронцов|зверев|селезнев|нечаев|седов|головин|терехов|ульянов|гордеев|зимин|костин|широков|суворов|любимов|горбачев|лукин|токарев|шилов|покровский|никольский|успенский|троицкий|вишневский|островский|ковальский|жуковский|чайковский|толстой|шевченко|бондаренко|коваленко|кравченко|ткаченко|лысенко|мельник|ким|пак|цой|абрамович|рабинович',
    honorifics:
      'господин|госпожа|господина|госпожи|господину|госпоже|господином|госпожой|г-н|г-жа|гн|гжа|мистер|миссис|мисс|доктор|др|профессор|проф',
    nameCues:
      'меня зовут|зовут|моё имя|мое имя|моя фамилия|фамилия|имя|имя и фамилия|фио|на имя|на фамилию|получатель|фамилия получателя|имя получателя|фио получателя|с уважением,|с уважением|с наилучшими пожеланиями',
    weakCues:
      'здравствуйте|добрый день|добрый вечер|доброе утро|привет|спасибо|благодарю|большое спасибо|до свидания|всего доброго|уважаемый|уважаемая|дорогой|дорогая|это|я|с|и|от|для',
    commonWords:
      'вы|вас|вам|вами|ваш|ваша|ваше|ваши|вашего|вашей|вашему|вашим|ваших|вашу|ты|тебя|тебе|тобой|твой|твоя|мы|нас|нам|меня|мне|мой|моя|мое|моё|здравствуйте|здравствуй|привет|добрый|доброе|доброго|день|вечер|утро|спасибо|благодарю|благодарим|пожалуйста|извините|простите|уважаемый|уважаемая|уважаемые|дорогой|дорогая|да|нет|хорошо|конечно|заказ|заказа|посылка|доставка|счет|оплата|карта|служба|поддержка|поддержки|клиент|клиента|магазин|сайт|приложение|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|январь|января|февраль|февраля|март|марта|апрель|апреля|май|мая|июнь|июня|июль|июля|август|августа|сентябрь|сентября|октябрь|октября|ноябрь|ноября|декабрь|декабря|марка|марки|мир|мира|команда|компания|отдел|менеджер|оператор|курьер|банк|почта',
    places:
      'москва|санкт-петербург|петербург|питер|новосибирск|екатеринбург|казань|нижний новгород|челябинск|самара|омск|ростов|ростов-на-дону|уфа|красноярск|пермь|воронеж|волгоград|краснодар|саратов|тюмень|ижевск|барнаул|иркутск|хабаровск|ярославль|владивосток|томск|оренбург|кемерово|рязань|астрахань|пенза|липецк|тула|киров|калининград|сочи|россия|рф|украина|беларусь|казахстан|германия|сша|европа|сибирь|урал|подмосковье|мск|спб|минск|киев|алматы|ташкент',
    placeCues:
      'улица|ул|проспект|пр|пр-т|переулок|пер|площадь|пл|бульвар|б-р|шоссе|набережная|город|г|станция|ст|метро|село|деревня|область|обл|район|р-н|край|республика|компания|магазин|фирма|банк|ооо|оао|зао|пао|ип',
    notPersonAfter: 'улица|проспект|площадь|переулок|ооо|банк|групп',
    postHonorifics: '',
    oneLetterWords: 'я|в|с|к|у|о|и|а',
    inflections: [
      'ого ий ой ый',
      'его ий',
      'ому ий ой ый',
      'ему ий',
      'ым ый -',
      'им ий',
      'ой ая а -',
      'ую ая',
      'ей я ь',
      'ем й ь',
      'ом -',
      'ою а',
      'ею я',
      'ла ел',
      'лу ел',
      'лом ел',
      'ле ел',
      'а - ь',
      'я й ь',
      'у - а',
      'ю й ь я',
      'е - а я й',
      'ы а',
      'и а я ь',
    ],
    feminineSurnames: ['ов ова', 'ев ева', 'ин ина', 'ын ына', 'ский ская', 'цкий цкая', 'ой ая'],
    related: ['uk'],
  },
  uk: {
    given:
      "олександр|андрій|богдан|василь|віктор|віталій|володимир|дмитро|євген|іван|ігор|максим|микола|михайло|олег|олексій|павло|петро|роман|сергій|степан|тарас|юрій|ярослав|анатолій|артем|вадим|валентин|валерій|владислав|денис|данило|кирило|костянтин|леонід|назар|остап|святослав|станіслав|тимофій|федір|григорій|антон|руслан|яків|матвій|марко|захар|олесь|орест|любомир|мирослав|анна|ганна|олена|ольга|оксана|наталія|наталя|тетяна|ірина|юлія|марія|світлана|катерина|людмила|галина|лариса|вікторія|анастасія|дарина|дарія|софія|христина|соломія|богдана|мар'яна|ярина|зоряна|валентина|надія|віра|любов|алла|інна|лідія|ніна|тамара|яна|аліна|діана|вероніка|уляна|олеся|леся|злата|мирослава|ангеліна|поліна|валерія|кіра|карина|альона|лев|слава",
    ambiguousGiven: 'надія|віра|любов|роман|лев|слава|злата',
    surnames:
      "мельник|шевченко|бойко|коваленко|бондаренко|ткаченко|ковальчук|кравченко|олійник|шевчук|коваль|поліщук|бондар|ткачук|марченко|руденко|савченко|мороз|лисенко|петренко|клименко|павленко|кравчук|кузьменко|пономаренко|савчук|василенко|левченко|харченко|сидоренко|карпенко|гончаренко|литвиненко|мельниченко|романенко|юрченко|лук'яненко|гаврилюк|демченко|іваненко|костенко|мартинюк|панченко|приходько|семенко|тимошенко|яковенко|зінченко|кушнір|король|данилюк|дмитренко|захарченко|козак|кириленко|павлюк|гуменюк|федоренко|остапенко|фоменко|антонюк|гнатюк|кравець|мазур|онищенко|кондратенко|рибак|стельмах|сорока|борисенко|петрук|бабенко|нестеренко|швець|гриценко|вовк|білик|дорошенко|грушевський|яворський|ковальський|стефанишин|іванишин|білецький|головко|тарасенко|степаненко|мирошниченко|прокопенко|пилипенко|сергієнко|тищенко|андрієнко|гордієнко|климчук|бондарчук|франко|коцюбинський|симоненко|ющенко|кличко|зеленський|порошенко",
    honorifics: 'пан|пана|панові|пану|паном|пане|пані|панею|добродій|добродійко|доктор|д-р|професор|проф|мр|міс|місіс',
    nameCues:
      "мене звати|звати|моє ім'я|моє прізвище|прізвище|ім'я|ім'я та прізвище|піб|на ім'я|отримувач|прізвище отримувача|ім'я отримувача|піб отримувача|з повагою,|з повагою|з найкращими побажаннями",
    weakCues:
      'вітаю|добрий день|доброго дня|добрий вечір|доброго вечора|доброго ранку|привіт|дякую|дякуємо|щиро дякую|шановний|шановна|до побачення|всього доброго|це|я|і|та|з|від|для',
    commonWords:
      "ви|вас|вам|вами|ваш|ваша|ваше|ваші|вашого|вашої|вашому|вашим|ти|тебе|тобі|твій|твоя|ми|нас|нам|мене|мені|мій|моя|моє|вітаю|привіт|добрий|доброго|день|вечір|ранку|дякую|дякуємо|будь|ласка|вибачте|перепрошую|шановний|шановна|шановні|так|ні|добре|звичайно|замовлення|посилка|доставка|рахунок|оплата|картка|служба|підтримка|підтримки|клієнт|клієнта|магазин|сайт|застосунок|понеділок|вівторок|середа|четвер|п'ятниця|субота|неділя|січень|січня|лютий|лютого|березень|березня|квітень|квітня|травень|травня|червень|червня|липень|липня|серпень|серпня|вересень|вересня|жовтень|жовтня|листопад|листопада|грудень|грудня|головна|команда|компанія|відділ|менеджер|оператор|кур'єр|банк|пошта|нова",
    places:
      'київ|харків|одеса|львів|дніпро|запоріжжя|вінниця|полтава|чернігів|черкаси|суми|житомир|рівне|івано-франківськ|тернопіль|луцьк|ужгород|чернівці|миколаїв|херсон|кропивницький|маріуполь|біла церква|україна|польща|німеччина|європа|росія|америка|варшава|нова пошта|укрпошта',
    placeCues:
      'вулиця|вул|проспект|просп|пр-т|провулок|пров|площа|пл|майдан|бульвар|місто|м|смт|село|с|область|обл|район|р-н|компанія|магазин|фірма|банк|тов|фоп|відділення',
    notPersonAfter: 'вулиця|проспект|площа|тов|банк|пошта',
    postHonorifics: '',
    oneLetterWords: 'я|в|у|з|і|й|а|о',
    inflections: [
      'ого ий',
      'ому ий',
      'им ий',
      'ої а',
      'ою а',
      'ею я',
      'ові - о',
      'еві ь й',
      'єві й',
      'ом - о',
      'ем ь й',
      'єм й',
      'ій а',
      'а - о ь',
      'я ь й',
      'у - а о',
      'ю я й ь',
      'і а я',
      'и а',
      'ї я',
      'е - о',
      'о а',
    ],
    feminineSurnames: ['ський ська', 'цький цька', 'ов ова', 'ев ева', 'ін іна', 'ин ина'],
    related: ['ru'],
  },
  pl: {
    given:
      'anna|maria|katarzyna|małgorzata|agnieszka|barbara|ewa|krystyna|elżbieta|magdalena|joanna|zofia|monika|teresa|danuta|natalia|aleksandra|karolina|marta|beata|dorota|halina|jadwiga|janina|alicja|iwona|justyna|paulina|grażyna|bożena|urszula|renata|sylwia|agata|patrycja|weronika|julia|wiktoria|maja|oliwia|zuzanna|hanna|lena|amelia|emilia|kasia|basia|gosia|ola|asia|kinga|ilona|edyta|izabela|marzena|jolanta|wanda|irena|piotr|krzysztof|andrzej|tomasz|jan|paweł|michał|marcin|stanisław|jakub|adam|marek|łukasz|grzegorz|mateusz|wojciech|mariusz|dariusz|zbigniew|jerzy|maciej|rafał|robert|kamil|józef|szymon|ryszard|tadeusz|janusz|kacper|bartosz|sebastian|damian|dawid|przemysław|artur|daniel|filip|antoni|wiktor|igor|oskar|hubert|leszek|sławomir|henryk|kazimierz|mirosław|waldemar|czesław|bogdan|wiesław|zdzisław|edward|jacek|wojtek|tomek|kuba|bartek|krzysiek|maciek|jarek|witold|arkadiusz|radosław|norbert|patryk|konrad|dominik|adrian|karol|roman|bogusław|zenon',
    ambiguousGiven: 'roman|wiktoria|maja',
    surnames:
      'nowak|kowalski|wiśniewski|wójcik|kowalczyk|kamiński|lewandowski|zieliński|szymański|woźniak|dąbrowski|kozłowski|jankowski|mazur|wojciechowski|kwiatkowski|krawczyk|kaczmarek|piotrowski|grabowski|zając|pawłowski|michalski|król|wieczorek|jabłoński|wróbel|nowakowski|majewski|olszewski|stępień|malinowski|jaworski|adamczyk|dudek|nowicki|pawlak|górski|witkowski|walczak|sikora|baran|rutkowski|michalak|szewczyk|ostrowski|tomaszewski|pietrzak|zalewski|wróblewski|marciniak|jasiński|zawadzki|bąk|jakubowski|sadowski|duda|włodarczyk|wilk|chmielewski|borkowski|sokołowski|szczepański|sawicki|lis|kucharski|kalinowski|wysocki|mazurek|kubiak|maciejewski|czarnecki|kołodziej|urbański|kaczmarczyk|laskowski|sobczak|cieślak|zakrzewski|głowacki|makowski|kaźmierczak|leśniak|kowalewski|baranowski|przybylski|szulc|gajewski|krajewski|czerwiński|gołębiowski|wasilewski|mróz|kasprzak|sobczyk|ziółkowski|kubacki|brzeziński|kozak|szczepaniak|zawada|nowacki|mickiewicz|sienkiewicz|abramowicz|lewicki|zawadzka',
    honorifics: 'pan|pana|panu|panem|panie|pani|panią|dr|prof|mgr|inż|mec|ks',
    nameCues:
      'nazywam się|mam na imię|moje imię to|moje imię|moje nazwisko to|moje nazwisko|nazwisko|imię|imię i nazwisko|z poważaniem,|z poważaniem|pozdrawiam,|pozdrawiam|pozdrawiam serdecznie|serdecznie pozdrawiam|łączę pozdrowienia|z wyrazami szacunku|na nazwisko|na imię',
    weakCues:
      'dzień dobry|dobry wieczór|witam|witaj|cześć|hej|dziękuję|dziękujemy|dzięki|szanowny|szanowna|szanowni|drogi|droga|jestem|tu|z|i|oraz|od|dla',
    commonWords:
      'państwo|państwa|państwu|państwem|wy|was|wam|ty|ciebie|tobie|twój|twoja|wasz|wasza|my|nas|nam|ja|mnie|mój|moja|dzień|dobry|dobrze|witam|witaj|cześć|dziękuję|dziękujemy|dzięki|pozdrawiam|szanowny|szanowna|szanowni|proszę|przepraszam|niestety|oczywiście|tak|nie|zamówienie|zamówienia|paczka|przesyłka|faktura|konto|karta|sklep|obsługa|obsługi|klienta|klient|reklamacja|zwrot|zespół|dział|firma|kurier|poczta|bank|poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela|styczeń|stycznia|luty|lutego|marzec|marca|kwiecień|kwietnia|maj|maja|czerwiec|czerwca|lipiec|lipca|sierpień|sierpnia|wrzesień|września|październik|października|listopad|listopada|grudzień|grudnia|polska|polski|polsce|kraj',
    places:
      'warszawa|warszawie|warszawy|kraków|krakowie|krakowa|łódź|łodzi|wrocław|wrocławiu|wrocławia|poznań|poznaniu|poznania|gdańsk|gdańsku|gdańska|szczecin|szczecinie|bydgoszcz|lublin|lublinie|katowice|katowicach|białystok|gdynia|gdyni|częstochowa|radom|toruń|toruniu|sosnowiec|kielce|rzeszów|rzeszowie|gliwice|zabrze|olsztyn|bielsko-biała|opole|zielona góra|polska|niemcy|niemczech|europa|europie|mazowsze|śląsk|pomorze',
    placeCues:
      'ulica|ulicy|ul|aleja|alei|al|plac|placu|pl|osiedle|os|miasto|mieście|miasta|województwo|woj|gmina|firma|firmy|sklep|sklepu|bank|banku|sp',
    notPersonAfter: 'sp|sa|bank|polska',
    postHonorifics: '',
    oneLetterWords: 'w|z|i|a|o|u',
    inflections: [
      'iego i',
      'iemu i',
      'iej a',
      'im i',
      'ego y',
      'emu y',
      'ym y',
      'ej a',
      'owi -',
      'iem -',
      'em -',
      'ckiem cek',
      'ckowi cek',
      'cka cek',
      'kiem ek',
      'kowi ek',
      'ka ek',
      'ku ek',
      'łowi eł',
      'łem eł',
      'ła eł',
      'le eł',
      'rze r',
      'dzie d',
      'cie t',
      'ię ia',
      'ią ia',
      'ie a -',
      'a -',
      'y a',
      'ę a',
      'ą a',
      'o a',
      'i a ia',
    ],
    feminineSurnames: ['ski ska', 'cki cka', 'dzki dzka'],
    related: [],
  },
  tr: {
    given:
      'mehmet|mustafa|ahmet|ali|hüseyin|hasan|ibrahim|ismail|osman|yusuf|murat|ömer|ramazan|halil|süleyman|abdullah|mahmut|salih|kemal|recep|fatih|emre|burak|yasin|serkan|volkan|onur|hakan|selim|kadir|orhan|erkan|tolga|cem|can|emir|eren|kerem|berk|arda|efe|baran|umut|barış|deniz|mert|oğuz|uğur|tuncay|levent|sinan|gökhan|tarık|zeki|cengiz|erdem|ozan|batuhan|furkan|enes|alp|kaan|tayfun|yiğit|doruk|kasım|fatma|ayşe|emine|hatice|zeynep|elif|meryem|şerife|zehra|hanife|merve|büşra|esra|özlem|yasemin|gül|leyla|esma|hülya|derya|ebru|sibel|songül|pınar|tuba|aslı|melek|gamze|seda|sevgi|filiz|nur|dilek|burcu|selin|ceren|irem|ecem|damla|buse|gizem|tuğba|hande|şeyma|kübra|sena|eda|özge|nazlı|beyza|ceyda|aylin|aysel|nilay|duygu|ezgi|ışıl|ilknur|sevda|canan|ayten|şule|sema|nermin|gülşen|hacer|rabia|asya|defne|ela|azra|nehir|yağmur|ada|eylül',
    ambiguousGiven: 'can|umut|barış|deniz|gül|nur|yağmur|ada|defne|nehir|eylül|sevgi|dilek|melek|pınar|kasım|ela|alp|baran|ozan',
    surnames:
      'yılmaz|kaya|demir|şahin|çelik|yıldız|yıldırım|öztürk|aydın|özdemir|arslan|doğan|kılıç|aslan|çetin|kara|koç|kurt|özkan|şimşek|polat|özcan|korkmaz|çakır|erdoğan|yavuz|acar|şen|aktaş|güler|yalçın|güneş|bozkurt|bulut|keskin|ünal|turan|özer|ışık|kaplan|avcı|sarı|tekin|taş|köse|yüksel|ateş|aksoy|çiftçi|güven|akın|tunç|karaca|başaran|akbulut|sönmez|uysal|toprak|karakaya|altun|altın|çakmak|durmaz|coşkun|kahraman|akgül|oral|gündoğdu|duman|uzun|karataş|bayram|özgür|aktürk|erdem|yurt|kocaman|ergün|savaş|tuna|soylu|akyüz|kalkan|türkmen|işcan|sezer|atalay|bilgin|kurtuluş|önal|pamuk|kılınç|gök|alkan|tosun|demirci|ekinci|yücel|eren|uçar|erol|gümüş',
    honorifics: 'sayın|bay|bayan|dr|doç|prof|av|avukat|doktor|müh|öğretmen',
    nameCues:
      'benim adım|adım|ismim|benim ismim|adım soyadım|ad soyad|adı soyadı|ad soyadı|ad-soyad|soyadım|saygılarımla,|saygılarımla|saygılarımızla',
    weakCues:
      'merhaba|merhabalar|selam|iyi günler|günaydın|iyi akşamlar|iyi çalışmalar|teşekkürler|teşekkür ederim|çok teşekkürler|değerli|sevgili|ben|ve|ile',
    commonWords:
      'kurye|kargocu|temsilci|müdür|yönetici|teknisyen|şoför|komşum|arkadaşım|siz|sizin|size|sizi|sizinle|sizden|ben|benim|bana|beni|sen|biz|bizim|o|onlar|merhaba|merhabalar|selam|teşekkürler|teşekkür|iyi|günaydın|lütfen|evet|hayır|tamam|maalesef|müşteri|müşterimiz|müşterimize|müşteriler|değerli|sevgili|sipariş|siparişim|siparişiniz|kargo|kargonuz|fatura|hesap|hesabınız|kart|mağaza|destek|ekibi|ekip|şirket|banka|ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|pazartesi|salı|çarşamba|perşembe|cuma|cumartesi|pazar|bugün|yarın|dün|türk|türkçe',
    places:
      'türkiye|istanbul|ankara|izmir|bursa|antalya|adana|konya|gaziantep|şanlıurfa|kocaeli|mersin|diyarbakır|hatay|manisa|kayseri|samsun|balıkesir|kahramanmaraş|van|aydın|denizli|sakarya|tekirdağ|muğla|eskişehir|mardin|trabzon|malatya|erzurum|ordu|edirne|bodrum|kadıköy|beşiktaş|üsküdar|şişli|bakırköy|almanya|avrupa|amerika|ingiltere|kıbrıs',
    placeCues: 'mahallesi|mah|sokak|sokağı|caddesi|cad|bulvarı|ili|ilçesi|şehri|şirketi|mağazası|bankası',
    notPersonAfter:
      'bayramı|bayramınız|bayram|caddesi|cad|cd|sokak|sokağı|sk|bulvarı|blv|mahallesi|mah|meydanı|köyü|ili|ilçesi|hastanesi|üniversitesi|şirketi|holding|bankası|kargo|mağazası|parkı|havalimanı|köprüsü',
    postHonorifics:
      'bey|beye|beyi|beyin|beyle|beyden|hanım|hanıma|hanımı|hanımın|hanımla|hanımdan|beyefendi|hanımefendi|efendi|hoca|hocam|abi|abla|ağabey',
    oneLetterWords: 'o',
    inflections: [],
    feminineSurnames: [],
    related: [],
  },
  el: {
    given:
      'γιώργος|γεώργιος|γιάννης|ιωάννης|κώστας|κωνσταντίνος|δημήτρης|δημήτριος|νίκος|νικόλαος|παναγιώτης|βασίλης|βασίλειος|χρήστος|θανάσης|αθανάσιος|μιχάλης|μιχαήλ|ευάγγελος|βαγγέλης|σπύρος|σπυρίδων|αντώνης|αντώνιος|ανδρέας|αλέξανδρος|αλέξης|στέλιος|στυλιανός|ηλίας|μανώλης|εμμανουήλ|παύλος|πέτρος|θοδωρής|θεόδωρος|σταύρος|τάσος|αναστάσιος|άγγελος|λευτέρης|ελευθέριος|άρης|φώτης|απόστολος|γρηγόρης|στάθης|χαράλαμπος|μάριος|λάμπρος|τάκης|μάκης|μαρία|ελένη|αικατερίνη|κατερίνα|βασιλική|σοφία|αγγελική|γεωργία|δήμητρα|κωνσταντίνα|ευαγγελία|ιωάννα|χριστίνα|παναγιώτα|αναστασία|ειρήνη|δέσποινα|χαρά|νίκη|βαρβάρα|αθηνά|ελευθερία|φωτεινή|θεοδώρα|αλεξάνδρα|άννα|ζωή|ελπίδα|δανάη|μυρτώ|στέλλα|εύα|αφροδίτη|πηνελόπη|ευγενία|ξανθή|ματίνα|ράνια|έφη|νατάσα',
    ambiguousGiven: 'χαρά|νίκη|ειρήνη|ελευθερία|ζωή|ελπίδα|ξανθή|σοφία|αθηνά',
    surnames:
      'παπαδόπουλος|παπαδάκης|παπαδημητρίου|γεωργίου|οικονόμου|παπαγεωργίου|νικολάου|ιωάννου|παπανικολάου|βασιλείου|αθανασίου|δημητρίου|κωνσταντίνου|αντωνίου|χριστοδούλου|παπαϊωάννου|μακρής|μαρκόπουλος|καραγιάννης|αλεξίου|παππάς|ευαγγέλου|θεοδώρου|πετρόπουλος|γεωργόπουλος|νικολόπουλος|κωνσταντινίδης|σταματόπουλος|αναγνώστου|χατζηγεωργίου|χατζής|σιδηρόπουλος|ζαχαρίου|μιχαηλίδης|αποστόλου|λαμπρόπουλος|καραμανλής|μητσοτάκης|βλάχος|παναγιωτόπουλος|κυριακίδης|κυριακόπουλος|ξανθόπουλος|καλογεράκης|μαυρίδης|σπυρόπουλος|διαμαντόπουλος|αναστασίου|μπακογιάννης|γαλάνης|δημόπουλος|καραλής|αλεξόπουλος|ραφαηλίδης|τσιρίγος|λιάπης|μανωλάκης|σαμαράς|τσίπρας|βενιζέλος|κουτσούκος|πολίτης|φραγκιαδάκης|δασκαλάκης|αντωνόπουλος|βασιλόπουλος|χριστόπουλος|ιωαννίδης|γεωργιάδης|παυλίδης|θεοδωρίδης|νικολαΐδης|αθανασιάδης|σαββίδης',
    honorifics: 'κύριος|κύριε|κυρίου|κύριο|κυρία|κυρίας|κ|κα|δρ|καθηγητής|καθηγήτρια|γιατρέ',
    nameCues:
      'με λένε|λέγομαι|ονομάζομαι|το όνομά μου είναι|το όνομα μου είναι|όνομα|επώνυμο|ονοματεπώνυμο|με εκτίμηση,|με εκτίμηση|με φιλικούς χαιρετισμούς|φιλικά,|είμαι ο|είμαι η',
    weakCues:
      'γεια σας|γεια σου|γεια|καλημέρα|καλησπέρα|χαίρετε|ευχαριστώ|ευχαριστούμε|αγαπητέ|αγαπητή|είμαι|ο|η|τον|την|του|της|και|με|από',
    commonWords:
      'εσείς|εσάς|σας|εσύ|εσένα|εμείς|εμάς|εγώ|εμένα|γεια|καλημέρα|καλησπέρα|χαίρετε|ευχαριστώ|ευχαριστούμε|παρακαλώ|ναι|όχι|δυστυχώς|φυσικά|βεβαίως|αγαπητέ|αγαπητή|αγαπητοί|παραγγελία|παραγγελίας|δέμα|τιμολόγιο|λογαριασμός|κάρτα|πελάτη|πελάτης|εξυπηρέτηση|εξυπηρέτησης|ομάδα|εταιρεία|τράπεζα|δευτέρα|τρίτη|τετάρτη|πέμπτη|παρασκευή|σάββατο|κυριακή|ιανουάριος|ιανουαρίου|φεβρουάριος|φεβρουαρίου|μάρτιος|μαρτίου|απρίλιος|απριλίου|μάιος|μαΐου|ιούνιος|ιουνίου|ιούλιος|ιουλίου|αύγουστος|αυγούστου|σεπτέμβριος|σεπτεμβρίου|οκτώβριος|οκτωβρίου|νοέμβριος|νοεμβρίου|δεκέμβριος|δεκεμβρίου|σήμερα|αύριο|χθες|ελληνικά|ελλάδα',
    places:
      'αθήνα|αθήνας|θεσσαλονίκη|θεσσαλονίκης|πάτρα|πάτρας|ηράκλειο|ηρακλείου|λάρισα|λάρισας|βόλος|βόλου|ιωάννινα|ιωαννίνων|χανιά|χανίων|ρόδος|ρόδου|κέρκυρα|κέρκυρας|κρήτη|κρήτης|ελλάδα|ελλάδας|κύπρος|κύπρου|λευκωσία|λεμεσός|πειραιάς|πειραιά|καλαμάτα|σέρρες|κομοτηνή|καβάλα|δράμα|κατερίνη|τρίκαλα|χαλκίδα|λαμία|σπάρτη|μύκονος|σαντορίνη|γλυφάδα|μαρούσι|κηφισιά|αμερική|ευρώπη|γερμανία|αγγλία|γαλλία|ιταλία',
    placeCues: 'οδός|οδό|οδού|λεωφόρος|λεωφόρο|λεωφόρου|πλατεία|πλατείας|πόλη|περιοχή|δήμος|δήμου|εταιρεία|εταιρείας|κατάστημα|τράπεζα',
    notPersonAfter: 'οδός|λεωφόρος|αε|επε|ικε|οε',
    postHonorifics: '',
    oneLetterWords: 'ο|η|ή|α',
    inflections: ['ου ος ης', 'ο ος', 'η ης', 'α ας', 'ας α', 'ης η', 'ε ος'],
    feminineSurnames: ['οπουλος οπουλου', 'ιδης ιδου', 'ακης ακη', 'ης η', 'ος ου', 'ας α'],
    related: [],
  },
  vi: {
    // Vietnamese names are family name first, every syllable capitalised: "Nguyễn Văn An",
    // "Trần Thị Mai". Middle names (Văn, Thị, …) and given names share one list. Writers without
    // diacritics ("Nguyen Van An") get the frequent family names unaccented as well.
    given:
      'an|anh|bảo|bình|châu|chi|cường|dũng|duy|dương|đạt|giang|hà|hải|hạnh|hân|hiếu|hiền|hoa|hòa|hoàng|hồng|huệ|hùng|hưng|hương|huy|huyền|khang|khánh|khoa|khôi|kiên|lan|linh|loan|long|lộc|mai|minh|my|mỹ|nam|nga|ngân|nghĩa|ngọc|nhi|nhung|nhân|phát|phong|phúc|phương|quân|quang|quốc|quỳnh|sơn|tâm|tân|thái|thảo|thắng|thanh|thành|thiện|thịnh|thu|thủy|thúy|thùy|tiến|toàn|trang|trí|trinh|trung|tú|tuấn|tùng|uyên|vân|việt|vinh|vy|xuân|yến|hậu|đông|tài|tín|vũ|văn|thị|hữu|đức|công|diệu|bích|kim|gia|ánh|nhật|hoài|phượng|oanh|trâm|tiên|diễm|thư|quyên|như|hằng|mạnh|đình|tấn|tường|hiệp|lâm|luân|lực|nguyên|phú|quyết|sang|tuyết|vượng|ý|thơ|lệ|liên|nguyệt|van|thi|huu|duc|ngoc|tuan|hung|dung|huong|thao|phuong|linh|trang|minh|quang',
    ambiguousGiven: '',
    surnames:
      'nguyễn|trần|lê|phạm|hoàng|huỳnh|phan|vũ|võ|đặng|bùi|đỗ|hồ|ngô|dương|lý|đinh|đào|lâm|mai|trương|cao|lương|tạ|trịnh|đoàn|vương|tô|châu|quách|lưu|tăng|kiều|thái|tôn|triệu|phùng|hứa|doãn|mạc|khúc|nguyen|tran|pham|hoang|huynh|dang|bui|duong|truong|trinh|doan|vuong|dinh',
    honorifics: 'ông|bà|anh|chị|em|cô|chú|bác|cậu|dì|thầy|ngài|bạn',
    nameCues:
      'tên tôi là|tôi tên là|tên em là|em tên là|tên mình là|mình tên là|tên của tôi là|tên của em là|tôi là|em là|mình là|họ tên|họ và tên|tên là|người nhận|trân trọng,|trân trọng|thân ái',
    weakCues: 'xin chào|chào|cảm ơn|cám ơn|kính gửi|gửi|thân gửi|và|với|của|cho|gặp',
    commonWords:
      'quý|khách|hàng|cảm|ơn|cám|xin|chào|dạ|vâng|không|có|tôi|mình|chúng|ạ|ơi|hôm|nay|ngày|thứ|tháng|năm|tuần|chủ|đơn|giao|toán|dịch|vụ|hỗ|trợ|ty|cửa|shop|vui|lòng|rất|tiếc|lỗi|kính|gửi|thân|trân|trọng|mã|số|điện|thoại|sản|phẩm|viên|tổng|đài|hành|cho|vì|nếu|khi|đã|sẽ|đang|được|rồi|vậy|sau|trước|hiện|hệ|thống',
    places:
      'nguyên đán|tết nguyên đán|giáng sinh|năm mới|việt nam|hà nội|hải phòng|đà nẵng|cần thơ|huế|nha trang|đà lạt|vũng tàu|biên hòa|hạ long|quảng ninh|bình dương|đồng nai|long an|thanh hóa|nghệ an|hà tĩnh|quảng nam|quảng ngãi|bình định|khánh hòa|lâm đồng|an giang|kiên giang|cà mau|bạc liêu|sóc trăng|vĩnh long|tiền giang|bến tre|trà vinh|tây ninh|bình phước|bình thuận|ninh thuận|phú yên|gia lai|kon tum|đắk lắk|lào cai|yên bái|sơn la|hòa bình|thái nguyên|bắc ninh|bắc giang|hải dương|hưng yên|nam định|thái bình|ninh bình|hà nam|phú thọ|vĩnh phúc|tuyên quang|cao bằng|lạng sơn|điện biên|lai châu|hà giang|quảng bình|quảng trị|thừa thiên huế|sài gòn|hồ chí minh|thành phố hồ chí minh|tp hồ chí minh|phú quốc|nhật bản|hàn quốc|trung quốc|hoa kỳ|thái lan|châu âu|châu á|ha noi|viet nam|sai gon|da nang|ho chi minh|thứ hai|thứ ba|thứ tư|thứ năm|thứ sáu|thứ bảy|chủ nhật|trung tâm|bảo hành|thanh toán|hải quan|an toàn|phương thức|bình thường|linh kiện|thành phố|thành công|giao hàng|khách hàng|chăm sóc|tổng đài|dịch vụ|hỗ trợ|tiết kiệm|tài khoản|quốc tế|minh bạch|hạnh phúc|tâm lý|sơn hà|long châu|phúc long|hoàn tiền|đổi trả|mua hàng|tiki|lazada|shopee|momo|zalo|viettel|vinaphone|mobifone|vietcombank|techcombank|vinmart',
    placeCues:
      'tiếng|nước|người|miền|tỉnh|thành phố|tp|quận|huyện|phường|xã|đường|phố|sông|chợ|cầu|công ty|cửa hàng|ngân hàng|trường|bệnh viện|hãng|siêu thị|chi nhánh|ứng dụng|app|ví',
    notPersonAfter: '',
    postHonorifics: '',
    oneLetterWords: '',
    inflections: [],
    feminineSurnames: [],
    related: [],
  },

  // Swedish, Danish and Norwegian share most given names and many surnames (`related`). A
  // capitalised "Hans" is also "his", "Per" a preposition, "Bo" "live", "Liv" "life", "Dag" "day".
  // Genitive -s ("Annas beställning") is read back to the name.
  sv: {
    given:
      'anna|eva|maria|karin|sara|kristina|lena|emma|kerstin|elin|ingrid|marie|malin|linnéa|linnea|sofia|jenny|hanna|ida|annika|linda|susanne|elisabeth|johanna|birgitta|ulla|inger|monica|helena|margareta|camilla|cecilia|frida|julia|ebba|alva|astrid|maja|wilma|elsa|alice|saga|klara|agnes|stina|lisa|åsa|märta|ulrika|therese|jessica|josefin|matilda|amanda|moa|tove|lovisa|ellen|signe|vera|agneta|gunilla|britt|siv|anneli|maria|lars|mikael|anders|johan|erik|per|karl|peter|thomas|jan|daniel|fredrik|hans|andreas|bengt|stefan|mats|magnus|björn|nils|sven|jonas|mattias|niklas|henrik|marcus|markus|oskar|gustav|axel|viktor|filip|olof|ulf|göran|leif|kjell|håkan|lennart|gunnar|anton|emil|hugo|lucas|liam|elias|oliver|william|noah|ludvig|alexander|sebastian|simon|joakim|tobias|robert|patrik|christer|åke|rolf|stig|bo|ove|roger|kent|tommy|rasmus|linus|adam|isak|albin|elliot|melvin|theo|vincent|sixten|birger|torbjörn|pontus|jesper|kristoffer|martin|david|dag|sten|tor',
    ambiguousGiven: SCANDINAVIAN_AMBIGUOUS,
    surnames:
      'andersson|johansson|karlsson|nilsson|eriksson|larsson|olsson|persson|svensson|gustafsson|pettersson|jonsson|jansson|hansson|bengtsson|jönsson|lindberg|jakobsson|magnusson|olofsson|lindström|lindqvist|lindgren|berg|axelsson|bergström|lundberg|lind|lundgren|lundqvist|mattsson|berglund|fredriksson|sandberg|henriksson|forsberg|sjöberg|wallin|engström|eklund|danielsson|lundin|håkansson|björk|bergman|gunnarsson|holm|wikström|samuelsson|isaksson|fransson|bergqvist|nyström|holmberg|arvidsson|löfgren|söderberg|nyberg|blomqvist|claesson|nordström|mårtensson|lundström|viklund|björklund|eliasson|pålsson|berggren|sandström|lund|nordin|ström|åberg|hermansson|ekström|holmgren|sundberg|hedlund|dahlberg|hellström|sjögren|abrahamsson|falk|öberg|martinsson|andreasson|blom|ek|månsson|strömberg|åkesson|jonasson|norberg|sundström|åström|holmqvist|ivarsson|lindholm|sundqvist|lindahl|sjöström|ekberg|nordberg|wallén|hedberg|lindblom|engberg',
    honorifics: 'herr|herrn|fru|fröken|frk|dr|doktor|prof|professor|hr',
    nameCues:
      'jag heter|mitt namn är|namnet är|heter jag|mitt efternamn är|mitt förnamn är|namn|efternamn|förnamn|för- och efternamn|mottagare|med vänliga hälsningar,|med vänliga hälsningar|vänliga hälsningar,|vänliga hälsningar|vänlig hälsning|mvh,|mvh|hälsningar,|hälsningar|med vänlig hälsning',
    weakCues:
      'hej|hejsan|hallå|god morgon|god dag|god eftermiddag|god kväll|tack|tusen tack|tack så mycket|kära|bästa|jag är|det är|detta är|och|med|till|från|hos',
    commonWords:
      'ni|er|era|ert|du|dig|din|ditt|dina|vi|oss|vår|jag|mig|min|mitt|hej|hejsan|hallå|tack|god|goda|morgon|dag|kväll|vänliga|hälsningar|mvh|med|vänlig|hälsning|kära|bästa|ja|nej|okej|självklart|tyvärr|ursäkta|beställning|beställningen|paket|paketet|leverans|faktura|fakturan|konto|kort|kundtjänst|kundservice|kund|support|teamet|butik|måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag|januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|idag|imorgon|igår|jul|påsk|midsommar|svenska|sverige|postnord|swish|klarna|bankid',
    places:
      'stockholm|göteborg|malmö|uppsala|västerås|örebro|linköping|helsingborg|jönköping|norrköping|umeå|gävle|borås|södertälje|eskilstuna|halmstad|växjö|karlstad|sundsvall|luleå|östersund|trollhättan|kalmar|falun|skövde|kristianstad|visby|kiruna|sverige|norge|danmark|finland|tyskland|europa|skåne|norrland|gotland|öland',
    placeCues: 'i|företaget|butiken|banken|ab',
    notPersonAfter: 'ab|hb|gata|gatan|väg|vägen|torg|torget|gränd|allé|plan|park',
    postHonorifics: '',
    oneLetterWords: 'i|å|ö',
    inflections: ['s -'],
    feminineSurnames: [],
    related: ['da', 'no'],
    streetsAfter: 'gata|gatan|väg|vägen|torg|torget|gränd|allé|ab',
  },
  da: {
    given:
      'peter|jens|lars|michael|henrik|thomas|søren|jan|niels|anders|christian|martin|morten|jesper|mads|rasmus|jørgen|hans|per|ole|kim|klaus|mikkel|frederik|kasper|jakob|jacob|simon|william|noah|oscar|lucas|carl|malthe|emil|oliver|victor|magnus|alfred|aksel|valdemar|bo|poul|erik|knud|flemming|finn|torben|steen|allan|brian|carsten|kenneth|dennis|rené|bjarne|kristian|tobias|jonas|andreas|nikolaj|sebastian|mathias|anne|kirsten|mette|hanne|anna|helle|susanne|lene|maria|marianne|lone|camilla|pia|louise|inge|charlotte|bente|tina|karen|signe|ida|emma|freja|sofie|laura|mathilde|nanna|julie|cecilie|line|maja|ella|clara|frida|astrid|birgit|gitte|tove|lise|dorthe|karina|malene|rikke|stine|trine|mie|sanne|jette|bodil|ulla|grethe|jytte|ellen|ingrid|birthe|vibeke|kamilla|josefine|agnes|alma|olivia',
    ambiguousGiven: SCANDINAVIAN_AMBIGUOUS,
    surnames:
      'nielsen|jensen|hansen|andersen|pedersen|christensen|larsen|sørensen|rasmussen|jørgensen|petersen|madsen|kristensen|olsen|thomsen|christiansen|poulsen|johansen|møller|mortensen|knudsen|jakobsen|jacobsen|mikkelsen|olesen|frederiksen|laursen|henriksen|lund|schmidt|eriksen|holm|kristiansen|clausen|simonsen|svendsen|andreasen|iversen|jeppesen|mogensen|jespersen|nissen|lauridsen|kjær|jepsen|vestergaard|østergaard|nørgaard|dahl|skov|søndergaard|bertelsen|kjeldsen|thygesen|bach|lassen|mathiasen|bruun|kristoffersen|friis|bech|brandt|lindberg|winther|carlsen|overgaard|hald|kirkegaard|schou|ravn|beck|høj|juhl|bang',
    honorifics: 'hr|herr|fru|frk|frøken|dr|doktor|prof|professor',
    nameCues:
      'jeg hedder|mit navn er|navnet er|mit efternavn er|mit fornavn er|navn|efternavn|fornavn|modtager|med venlig hilsen,|med venlig hilsen|venlig hilsen,|venlig hilsen|mvh,|mvh|hilsen,|hilsen|de bedste hilsner',
    weakCues: 'hej|hejsa|hallo|godmorgen|goddag|god eftermiddag|godaften|tak|tusind tak|mange tak|kære|jeg er|det er|og|med|til|fra|hos',
    commonWords:
      'de|dem|deres|du|dig|din|dit|dine|i|jer|jeres|vi|os|vores|jeg|mig|min|mit|hej|hejsa|hallo|tak|god|goddag|godmorgen|godaften|venlig|hilsen|mvh|med|kære|ja|nej|okay|selvfølgelig|desværre|undskyld|ordre|ordren|bestilling|pakke|pakken|levering|faktura|fakturaen|konto|kort|kundeservice|kunde|support|butik|mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december|i dag|jul|påske|dansk|danmark|postnord|mobilepay|nemid|mitid|gls|dao',
    places:
      'københavn|aarhus|århus|odense|aalborg|ålborg|esbjerg|randers|kolding|horsens|vejle|roskilde|herning|silkeborg|næstved|fredericia|viborg|køge|holstebro|slagelse|hillerød|frederiksberg|sønderborg|svendborg|hjørring|helsingør|danmark|jylland|sjælland|fyn|bornholm|norge|sverige|tyskland|europa',
    placeCues: 'i|firmaet|butikken|banken',
    notPersonAfter: 'a/s|aps|vej|gade|plads|allé|torv|park',
    postHonorifics: '',
    oneLetterWords: 'i|å|ø',
    inflections: ['s -'],
    feminineSurnames: [],
    related: ['sv', 'no'],
    streetsAfter: 'gade|vej|plads|allé|torv|a/s|aps',
  },
  // Norwegian (Bokmål and Nynorsk): tinyld answers `no`; a hint of `nb` or `nn` reads as `no`.
  no: {
    given:
      'ole|lars|knut|jan|per|bjørn|arne|kjell|hans|svein|thomas|geir|tor|morten|terje|john|erik|odd|martin|anders|rune|trond|tore|jon|harald|stian|magnus|eirik|sindre|henrik|jonas|emil|kristian|andreas|fredrik|håkon|sander|even|espen|øyvind|ola|nils|steinar|einar|ivar|jakob|filip|aksel|olav|halvor|vegard|petter|kristoffer|sigurd|torbjørn|gunnar|leif|eivind|audun|jørgen|mathias|tobias|william|oliver|noah|lucas|isak|anne|inger|kari|marit|ingrid|liv|eva|berit|astrid|bjørg|hilde|anna|solveig|marianne|randi|ida|nina|maria|elisabeth|kristin|bente|heidi|silje|hanne|gro|tone|turid|ragnhild|sigrid|nora|emma|sofie|ingeborg|thea|maja|ella|sara|tuva|mari|kristine|camilla|linn|line|åse|wenche|grete|unni|siri|jorunn|guro|synnøve|oda|vilde|hege|tonje|mette|ellen|karin|kjersti|torill|aud|åshild',
    ambiguousGiven: SCANDINAVIAN_AMBIGUOUS,
    surnames:
      'hansen|johansen|olsen|larsen|andersen|pedersen|nilsen|kristiansen|jensen|karlsen|johnsen|pettersen|eriksen|berg|haugen|hagen|johannessen|andreassen|jacobsen|dahl|jørgensen|halvorsen|henriksen|lund|sørensen|jakobsen|moen|gundersen|iversen|strand|solberg|svendsen|eide|knutsen|martinsen|paulsen|bakken|kristoffersen|mathisen|lie|amundsen|rasmussen|lunde|solheim|berge|moe|nygård|bakke|kristensen|fredriksen|holm|lien|hauge|christensen|andresen|nielsen|knudsen|evensen|sæther|aas|myhre|hanssen|haugland|thomassen|sivertsen|simonsen|danielsen|berntsen|sandvik|rønning|arnesen|antonsen|næss|sandberg|engen|vik|nordby|tangen|aasen|ødegård|fossum|brekke|lorentzen|ellingsen|jenssen|birkeland',
    honorifics: 'herr|hr|fru|frøken|frk|dr|doktor|prof|professor',
    nameCues:
      'jeg heter|eg heiter|mitt navn er|navnet mitt er|navnet er|mitt etternavn er|mitt fornavn er|navn|etternavn|fornavn|mottaker|med vennlig hilsen,|med vennlig hilsen|vennlig hilsen,|vennlig hilsen|mvh,|mvh|hilsen,|hilsen|beste hilsen',
    weakCues:
      'hei|heisann|hallo|god morgen|god dag|god ettermiddag|god kveld|takk|tusen takk|mange takk|kjære|jeg er|det er|og|med|til|fra|hos',
    commonWords:
      'de|dem|deres|du|deg|din|ditt|dine|dere|vi|oss|vår|vårt|jeg|meg|min|mitt|hei|heisann|hallo|takk|god|morgen|kveld|vennlig|hilsen|mvh|med|kjære|ja|nei|ok|selvfølgelig|dessverre|beklager|unnskyld|ordre|ordren|bestilling|bestillingen|pakke|pakken|levering|faktura|fakturaen|konto|kort|kundeservice|kunde|support|butikk|mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|i dag|jul|påske|norsk|norge|posten|bring|vipps|bankid',
    places:
      'oslo|bergen|trondheim|stavanger|tromsø|drammen|kristiansand|fredrikstad|sandnes|bodø|ålesund|sandefjord|haugesund|tønsberg|moss|porsgrunn|skien|arendal|hamar|lillehammer|larvik|halden|harstad|molde|gjøvik|kongsberg|norge|sverige|danmark|europa|finnmark|nordland|vestland|viken',
    placeCues: 'i|firmaet|butikken|banken',
    notPersonAfter: 'as|asa|gate|gata|vei|veien|plass|allé|torg|park',
    postHonorifics: '',
    oneLetterWords: 'i|å|ø',
    inflections: ['s -'],
    feminineSurnames: [],
    related: ['da', 'sv'],
    streetsAfter: 'gate|gata|vei|veien|vegen|plass|allé|torg|as|asa',
  },
  // Finnish: case endings on every name ("Annalle", "Mikolle", "Virtaselle"), with the consonant
  // gradation of frequent names (Mikko → Mikon, Matti → Matille, Pekka → Pekalle).
  fi: {
    given:
      'matti|timo|juha|veli|armas|rauha|lempi|oiva|sulo|usko|aamu|mikko|kari|antti|jari|jukka|markku|pekka|mika|hannu|heikki|seppo|janne|ari|sami|petri|pentti|ville|juho|jussi|tuomas|lauri|eero|aleksi|eetu|onni|elias|leo|väinö|eino|oliver|veeti|jani|harri|tapio|risto|kalle|olli|veikko|jouni|tommi|teemu|joonas|niko|jaakko|esa|raimo|kimmo|marko|erkki|ilkka|arto|jarmo|pasi|tero|kai|aatu|toivo|otto|niilo|arttu|henri|jesse|sakari|mikael|johannes|anne|tuula|päivi|anna|pirjo|sari|minna|marja|tiina|riitta|leena|kaisa|johanna|laura|maria|hanna|eeva|helena|katja|sanna|liisa|outi|satu|merja|heidi|elina|aino|emma|sofia|aada|helmi|ella|venla|eevi|lotta|emilia|olivia|iida|ronja|milla|jenni|noora|essi|salla|suvi|anu|kirsi|maarit|pia|kaija|ritva|irma|sirpa|marjatta|hilkka|terhi|susanna|krista|niina|piia|anniina|veera|siiri|inkeri|tuuli|sini|lumi|aili|kerttu|elli|pihla|tuulia|marjo|taina|heli|paula|hannele|annukka',
    ambiguousGiven: 'onni|toivo|satu|tuuli|sini|lumi|veli|usko|armas|rauha|lempi|oiva|sulo|aamu|kai',
    surnames:
      'korhonen|virtanen|mäkinen|nieminen|mäkelä|hämäläinen|laine|heikkinen|koskinen|järvinen|lehtonen|lehtinen|saarinen|salminen|heinonen|niemi|heikkilä|kinnunen|salonen|turunen|salo|laitinen|tuominen|rantanen|karjalainen|jokinen|mattila|savolainen|lahtinen|ahonen|leppänen|hiltunen|miettinen|väisänen|pitkänen|aaltonen|hirvonen|manninen|anttila|laaksonen|ojala|leinonen|hakala|kallio|mikkonen|räsänen|jääskeläinen|nurmi|lappalainen|hyvönen|peltonen|aalto|kettunen|rissanen|suominen|kemppainen|seppälä|kauppinen|huttunen|moilanen|pelkonen|laakso|vainio|harju|toivonen|mäki|halonen|koivisto|lampinen|partanen|mustonen|nyman|lindholm|lindroos|kärkkäinen|honkanen|kokkonen|pesonen|tikkanen|oksanen|kivelä|sirola|hänninen|vartiainen|ruotsalainen|koivula|rautio|jokela|granqvist|sundström',
    honorifics: 'herra|rouva|neiti|tohtori|dr|prof|professori|ins|dipl',
    nameCues:
      'nimeni on|minun nimeni on|mun nimi on|nimi on|olen nimeltäni|nimi|sukunimi|etunimi|vastaanottaja|ystävällisin terveisin,|ystävällisin terveisin|terveisin,|terveisin|parhain terveisin',
    weakCues: 'hei|moi|moikka|terve|hyvää päivää|hyvää huomenta|hyvää iltaa|kiitos|kiitokset|hyvä|rakas|olen|tässä|ja|sekä|kanssa',
    commonWords:
      'te|teille|teidän|teitä|teiltä|teillä|sinä|sinun|sinulle|sinua|me|meidän|meille|minä|minun|minulle|hei|moi|moikka|terve|kiitos|kiitokset|hyvää|päivää|huomenta|iltaa|terveisin|ystävällisin|parhain|hyvä|kyllä|ei|selvä|valitettavasti|anteeksi|tilaus|tilauksen|tilaukseni|paketti|paketin|toimitus|lasku|laskun|tili|kortti|asiakaspalvelu|asiakas|tuki|kauppa|maanantai|tiistai|keskiviikko|torstai|perjantai|lauantai|sunnuntai|maanantaina|tiistaina|keskiviikkona|torstaina|perjantaina|lauantaina|sunnuntaina|tammikuu|helmikuu|maaliskuu|huhtikuu|toukokuu|kesäkuu|heinäkuu|elokuu|syyskuu|lokakuu|marraskuu|joulukuu|tänään|huomenna|eilen|joulu|juhannus|suomi|suomeksi|posti|matkahuolto|mobilepay',
    places:
      'helsinki|helsingissä|helsinkiin|espoo|espoossa|tampere|tampereella|vantaa|vantaalla|oulu|oulussa|turku|turussa|jyväskylä|jyväskylässä|lahti|lahdessa|kuopio|kuopiossa|pori|porissa|joensuu|lappeenranta|hämeenlinna|vaasa|seinäjoki|rovaniemi|mikkeli|kotka|salo|porvoo|kokkola|hyvinkää|lohja|järvenpää|rauma|kajaani|kerava|savonlinna|suomi|suomessa|ruotsi|ruotsissa|viro|virossa|saksa|eurooppa|lappi|lapissa|ahvenanmaa',
    placeCues: 'yritys|kauppa|pankki',
    notPersonAfter: 'oy|oyj|ab|ky|katu|tie|kuja|tori|puisto',
    postHonorifics: '',
    oneLetterWords: 'ä|ö',
    inflections: [
      'kolle kko',
      'kolta kko',
      'kolla kko',
      'kon kko',
      'koa kko',
      'tille tti',
      'tilta tti',
      'tilla tti',
      'tin tti',
      'kalle kka',
      'kalta kka',
      'kalla kka',
      'kan kka',
      'polle ppo',
      'pon ppo',
      'selle nen',
      'selta nen',
      'sella nen',
      'sen nen',
      'seen nen',
      'sta nen',
      'elle -',
      'elta -',
      'ella -',
      'en -',
      'lle -',
      'lta -',
      'lla -',
      'ltä -',
      'llä -',
      'sta -',
      'stä -',
      'ssa -',
      'ssä -',
      'ksi -',
      'n -',
      'a -',
      'ä -',
    ],
    feminineSurnames: [],
    related: [],
    streetsAfter: 'katu|tie|kuja|tori|oy|oyj',
  },
  // Czech, Romanian and Hungarian are compared without diacritics (`FOLDS` in names.ts: "Novák" and
  // "Novak", "Ștefan" and "Stefan", "János" and "Janos" are one name); their endings below are
  // written without them too.
  cs: {
    given:
      'jan|jiří|petr|naděžda|josef|pavel|jaroslav|martin|tomáš|miroslav|františek|zdeněk|václav|michal|karel|milan|vladimír|lukáš|david|jakub|ladislav|stanislav|roman|ondřej|antonín|radek|marek|daniel|vojtěch|filip|adam|matěj|jaromír|miloslav|aleš|libor|vít|dominik|patrik|oldřich|vlastimil|jindřich|štěpán|bohumil|ivan|rudolf|luboš|robert|šimon|viktor|jaroslav|kamil|igor|radim|rostislav|dušan|bohuslav|vladislav|přemysl|kryštof|matyáš|marie|jana|eva|hana|anna|lenka|kateřina|věra|lucie|alena|petra|jaroslava|veronika|martina|ludmila|jitka|helena|michaela|zdeňka|ivana|jarmila|monika|tereza|zuzana|markéta|barbora|eliška|dagmar|marcela|kristýna|dana|vlasta|irena|adéla|klára|natálie|karolína|renata|simona|pavla|andrea|olga|iveta|blanka|libuše|milena|romana|šárka|denisa|nikola|daniela|gabriela|radka|miroslava|zdenka|kamila|magdalena|anežka|ema|sofie|viktorie|žaneta|vendula|hedvika|bohdana|stanislava|božena|drahomíra|jiřina|květa|květoslava|miluše',
    ambiguousGiven: 'věra|naděžda|vlasta|roman|květa|ema|nikola|ivan',
    surnames:
      'novák|svoboda|novotný|dvořák|černý|procházka|kučera|veselý|horák|němec|marek|pospíšil|pokorný|hájek|král|jelínek|růžička|beneš|fiala|sedláček|doležal|zeman|kolář|navrátil|čermák|vaněk|urban|blažek|kříž|kovář|bartoš|vlček|polák|kopecký|musil|šimek|konečný|malý|holub|čech|štěpánek|staněk|kadlec|dostál|soukup|šťastný|mareš|moravec|sýkora|tichý|valenta|vávra|matoušek|bláha|říha|ševčík|bureš|hruška|mašek|pavlík|dušek|janda|hrubý|mach|kratochvíl|kopřiva|beran|vacek|bednář|šebesta|kos|hladík|tůma|kubíček|kohout|pešek|havlíček|vojtíšek|hynek|toman|adámek|cibulka|kubát|skála|vondra|šindelář|havel|holý|kolman|janoušek|klíma|trnka|bartošek|vašíček|zelenka|koubek|kalina|šťastná|jirka|kolařík',
    honorifics: 'pan|pana|panu|panem|pane|paní|slečna|slečno|slečny|ing|mgr|bc|dr|mudr|judr|phdr|rndr|doc|prof',
    nameCues:
      'jmenuji se|jmenuju se|mé jméno je|moje jméno je|jmenuji se,|jméno|příjmení|jméno a příjmení|celé jméno|na jméno|adresát|příjemce|s pozdravem,|s pozdravem|s přátelským pozdravem|děkuji a zdravím|zdraví',
    weakCues: 'dobrý den|dobré ráno|dobrý večer|ahoj|zdravím|děkuji|děkujeme|díky|vážený|vážená|milý|milá|jsem|tady|a|s|se|od|pro',
    commonWords:
      'vy|vás|vám|vámi|váš|vaše|vašeho|vaší|vašemu|vašim|ty|tebe|tobě|tvůj|my|nás|nám|já|mě|mi|můj|moje|dobrý|dobré|den|ráno|večer|ahoj|zdravím|děkuji|děkujeme|díky|prosím|omlouvám|omlouváme|bohužel|samozřejmě|ano|ne|vážený|vážená|vážení|milý|milá|objednávka|objednávku|objednávky|balík|balíček|zásilka|zásilku|doprava|faktura|fakturu|účet|karta|kartu|podpora|zákaznický|zákaznická|zákazník|zákazníka|obchod|eshop|pondělí|úterý|středa|čtvrtek|pátek|sobota|neděle|leden|února|únor|března|březen|dubna|duben|května|květen|června|červen|července|červenec|srpna|srpen|září|října|říjen|listopadu|listopad|prosince|prosinec|ledna|dnes|zítra|včera|vánoce|velikonoce|česky|čeština|česko|čr|zásilkovna|alza|mall|ppl|dpd|rohlík',
    places:
      'praha|praze|prahy|prahu|brno|brně|brna|ostrava|ostravě|ostravy|plzeň|plzni|plzně|liberec|liberci|olomouc|olomouci|české budějovice|hradec králové|ústí nad labem|pardubice|pardubicích|zlín|zlíně|havířov|kladno|most|opava|frýdek-místek|karviná|jihlava|teplice|děčín|karlovy vary|chomutov|jablonec|mladá boleslav|prostějov|přerov|česko|česku|čechy|morava|moravě|slovensko|slovensku|německo|německu|evropa|evropě|rakousko',
    placeCues: 'ulice|ul|ulici|náměstí|nám|třída|tř|nábřeží|město|městě|firma|firmy|obchod|banka|bance|s.r.o|a.s',
    notPersonAfter: 'sro|s.r.o|as|a.s|náměstí|nábřeží|ulice',
    postHonorifics: '',
    oneLetterWords: 'a|i|k|o|s|u|v|z',
    inflections: [
      'kovi ek',
      'kem ek',
      'ka ek',
      'lovi el',
      'lem el',
      'la el',
      'le el',
      'covi ec',
      'cem ec',
      'ce ec',
      'ca ec',
      'eho y',
      'emu y',
      'ym y',
      'ovi -',
      'em -',
      'ou a',
      'mu -',
      'ho -',
      're r',
      'a -',
      'e - a',
      'o a',
      'u - a',
      'y a',
      'i - e',
      'm -',
    ],
    feminineSurnames: [
      'y a',
      'ek kova',
      'ec cova',
      'a ova',
      'k kova',
      'r rova',
      'l lova',
      'n nova',
      's sova',
      'c cova',
      'ch chova',
      'j jova',
      'z zova',
      't tova',
      'd dova',
      'b bova',
      'p pova',
      'v vova',
      'm mova',
      'f fova',
      'h hova',
      'x xova',
      'g gova',
    ],
    related: [],
    streetsAfter: 'ulice|třída|náměstí|sro|s.r.o',
  },
  ro: {
    given:
      'andrei|alexandru|mihai|ion|ioan|roman|victoria|florica|speranța|marin|gheorghe|constantin|vasile|nicolae|dumitru|florin|marius|ionuț|adrian|cristian|daniel|gabriel|ștefan|bogdan|cătălin|răzvan|radu|sorin|ciprian|lucian|vlad|victor|cosmin|alin|claudiu|ovidiu|dan|paul|petru|iulian|sebastian|liviu|robert|emil|eugen|octavian|valentin|tudor|david|luca|matei|darius|mircea|viorel|costel|silviu|george|horia|laurențiu|sergiu|dragoș|aurel|traian|maria|elena|ioana|andreea|ana|mihaela|cristina|alexandra|gabriela|daniela|elisabeta|georgiana|ionela|florentina|adriana|mariana|simona|alina|roxana|raluca|diana|irina|nicoleta|larisa|bianca|camelia|carmen|oana|monica|laura|corina|anca|lavinia|claudia|denisa|ramona|georgeta|valentina|vasilica|ecaterina|doina|viorica|rodica|angela|loredana|sofia|antonia|delia|iuliana|cornelia|luminița|teodora|natalia|silvia|alexia|ilinca|sara|cristiana|florina|anișoara|aurelia|emilia|ileana|lucia|magdalena|medeea',
    ambiguousGiven: 'doina|victoria|roman|marin|speranța|luminița|florica',
    surnames:
      'popescu|popa|pop|radu|dumitru|stan|stoica|gheorghe|matei|ciobanu|ionescu|rusu|mihai|constantin|munteanu|moldovan|florea|marin|lazăr|ion|georgescu|tudor|ene|dinu|barbu|diaconu|nistor|sandu|cristea|dobre|dumitrescu|oprea|toma|ilie|nedelcu|lupu|iordache|preda|nițu|mocanu|neagu|voicu|dragomir|vasile|tănase|stanciu|mihăilescu|avram|enache|pavel|coman|manole|badea|petrescu|ursu|niculescu|bălan|anghel|roman|zamfir|grigore|bratu|mitrea|cojocaru|constantinescu|marinescu|stănescu|vasilescu|sârbu|paraschiv|ardelean|suciu|crișan|mureșan|rus|cozma|costache|neacșu|drăgan|dima|ispas|chiriac|năstase|manea|cazacu|eminescu|iliescu|antonescu|vlădescu|teodorescu|popovici|sima|pîrvu|pârvu|lungu|mihalache|bucur|andrieș|surdu',
    honorifics:
      'domnul|domnule|domnului|doamna|doamnă|doamnei|doamnelor|domnișoara|domnișoarei|domnișoară|dl|dlui|dna|dnei|d-l|d-na|d-lui|d-nei|dra|dșoara|dr|prof|ing|av|stimate|stimată',
    nameCues:
      'mă numesc|ma numesc|numele meu este|numele meu e|numele meu|mă cheamă|ma cheama|nume|prenume|numele complet|nume și prenume|nume complet|destinatar|cu stimă,|cu stimă|cu respect,|cu respect|toate cele bune,|cu drag,|o zi bună,|semnat',
    weakCues:
      'bună ziua|bună dimineața|bună seara|bună|salut|mulțumesc|mulțumim|vă mulțumesc|dragă|stimate|stimată|eu sunt|sunt|și|cu|de la|pentru|lui',
    commonWords:
      'dumneavoastră|dumneavoastra|dvs|dvs.|dumneata|tu|te|vă|voi|noi|eu|mie|meu|mea|bună|ziua|dimineața|seara|salut|mulțumesc|mulțumim|vă|vă rog|vă rugăm|ne pare rău|din păcate|desigur|da|nu|stimate|stimată|dragă|comanda|comandă|comenzii|coletul|colet|livrare|livrarea|factura|factură|cont|contul|card|cardul|suport|clienți|client|clientul|magazin|magazinul|echipa|luni|marți|miercuri|joi|vineri|sâmbătă|duminică|ianuarie|februarie|martie|aprilie|mai|iunie|iulie|august|septembrie|octombrie|noiembrie|decembrie|azi|astăzi|mâine|ieri|crăciun|paște|română|românia|emag|fan courier|sameday|cargus|poșta|bt|bcr|ing',
    places:
      'bucurești|bucuresti|cluj|cluj-napoca|timișoara|iași|constanța|craiova|brașov|galați|ploiești|oradea|brăila|arad|pitești|sibiu|bacău|târgu mureș|baia mare|buzău|botoșani|satu mare|râmnicu vâlcea|drobeta-turnu severin|suceava|piatra neamț|târgu jiu|tulcea|focșani|bistrița|reșița|alba iulia|deva|hunedoara|slatina|vaslui|călărași|giurgiu|zalău|sfântu gheorghe|mangalia|românia|moldova|chișinău|ardeal|transilvania|banat|dobrogea|europa|italia|spania|germania',
    placeCues:
      'strada|str|bulevardul|bd|bdul|calea|piața|aleea|șoseaua|sos|soseaua|orașul|oraș|municipiul|județul|jud|comuna|satul|sectorul|firma|compania|magazinul|banca|srl|sa',
    notPersonAfter: 'srl|sa|pfa|bank',
    postHonorifics: '',
    oneLetterWords: 'a|e|o|i',
    inflections: ['ei a', 'ului -', 'o a', 'e -'],
    feminineSurnames: [],
    related: [],
  },
  // Hungarian writes the family name first ("Nagy János"); many surnames are ordinary words (Nagy
  // "big", Kovács "smith", Fekete "black"), so alone they need a cue or a form of address. Case
  // endings attach to the last word ("Nagy Jánosnak", "Kovács Annát", "Péterrel"); "-né" marks a
  // married name ("Kovácsné").
  hu: {
    given:
      'lászló|istván|rózsa|virág|ibolya|hajnal|szilárd|győző|józsef|jános|zoltán|sándor|ferenc|gábor|attila|péter|tamás|zsolt|tibor|andrás|csaba|imre|lajos|györgy|balázs|róbert|gyula|mihály|károly|norbert|dávid|béla|dániel|ádám|krisztián|miklós|viktor|roland|bence|máté|levente|márk|dominik|bálint|gergely|pál|antal|szabolcs|richárd|kristóf|ákos|árpád|barnabás|botond|dezső|endre|ernő|géza|jenő|kálmán|lőrinc|milán|olivér|ottó|vilmos|marcell|zalán|noel|benedek|mátyás|gergő|kornél|nándor|ödön|mária|erzsébet|katalin|éva|ilona|anna|zsuzsanna|margit|judit|ágnes|andrea|erika|krisztina|irén|eszter|edit|mónika|gabriella|anita|szilvia|julianna|ildikó|rozália|viktória|tímea|klára|beáta|dóra|anikó|zsófia|réka|kitti|nikolett|petra|bernadett|hanna|lilla|luca|emma|boglárka|csilla|noémi|brigitta|orsolya|enikő|marianna|rita|gizella|piroska|magdolna|terézia|fanni|dorina|nóra|zita|kinga|veronika|adrienn|barbara|melinda|tünde|hajnalka|zsanett|alexandra|vivien|dalma|lili|jázmin|flóra|zsófi|kata|kati|zsuzsa|erzsi|pisti|józsi|jancsi|laci|feri|gabi|zsuzsi|bori',
    ambiguousGiven: 'rózsa|virág|ibolya|hajnal|szilárd|győző|kata|ernő|flóra|luca|emma|dalma',
    surnames:
      'nagy|kovács|tóth|szabó|horváth|varga|kiss|molnár|németh|farkas|balogh|papp|takács|juhász|lakatos|mészáros|oláh|simon|rácz|fekete|szilágyi|török|fehér|balázs|gál|kis|szűcs|kocsis|orsós|pintér|fodor|szalai|sipos|magyar|lukács|gulyás|biró|bíró|király|katona|lászló|jakab|bogdán|balog|sándor|boros|fazekas|kelemen|antal|orosz|somogyi|fülöp|veres|budai|vincze|hegedűs|deák|pap|bálint|illés|pál|vass|szőke|fábián|vörös|lengyel|bodnár|jónás|szücs|hajdu|halász|máté|székely|kozma|gáspár|pásztor|bakos|dudás|major|virág|orbán|hegedüs|barta|pető|kun|bognár|sárközi|csonka|hajdú|erdős|kardos|kálmán|győri|borbély|szekeres|soós|szénási|csizmadia|kozák|benkő|berki|vadász',
    honorifics: 'dr|ifj|id|özv|prof|ozv',
    nameCues:
      'a nevem|nevem|az én nevem|a nevem:|a teljes nevem|teljes név|név|vezetéknév|keresztnév|címzett|üdvözlettel,|üdvözlettel|tisztelettel,|tisztelettel|köszönettel,|köszönettel|baráti üdvözlettel|szívélyes üdvözlettel',
    weakCues: 'kedves|tisztelt|szia|sziasztok|helló|hello|jó napot|jó napot kívánok|jó reggelt|jó estét|köszönöm|köszönjük|üdv|és|meg|vagy',
    commonWords:
      'ön|önt|önnek|öné|önnel|öntől|önök|önöket|önöknek|maga|magát|magának|te|téged|neked|ti|mi|minket|nekünk|én|engem|nekem|kedves|tisztelt|szia|sziasztok|helló|üdv|üdvözlettel|tisztelettel|köszönöm|köszönjük|köszönettel|jó|napot|reggelt|estét|kérem|kérjük|sajnos|természetesen|igen|nem|rendben|elnézést|bocsánat|rendelés|rendelését|rendelésem|csomag|csomagját|csomagom|szállítás|számla|számlát|fiók|kártya|ügyfélszolgálat|ügyfél|ügyfelünk|bolt|webshop|hétfő|kedd|szerda|csütörtök|péntek|szombat|vasárnap|hétfőn|kedden|szerdán|csütörtökön|pénteken|szombaton|vasárnap|január|február|március|április|május|június|július|augusztus|szeptember|október|november|december|ma|holnap|tegnap|karácsony|húsvét|magyarul|magyarország|posta|foxpost|gls|otp|úr|asszony|hölgy|uram|hölgyem',
    places:
      'budapest|budapesten|budapestre|debrecen|debrecenben|szeged|szegeden|miskolc|miskolcon|pécs|pécsen|győr|győrben|nyíregyháza|kecskemét|székesfehérvár|szombathely|szolnok|tatabánya|kaposvár|érd|veszprém|békéscsaba|zalaegerszeg|sopron|eger|nagykanizsa|dunaújváros|hódmezővásárhely|salgótarján|cegléd|baja|esztergom|vác|gödöllő|siófok|magyarország|magyarországon|balaton|ausztria|németország|európa|erdély|szlovákia|románia',
    placeCues: 'város|cég|bolt|bank',
    notPersonAfter: 'kft|zrt|bt|nyrt|utca|utcai|út|útja|útra|úton|tér|téren|tere|körút|köz|sor|sétány|rakpart|liget|park|híd|fasor',
    postHonorifics:
      'úr|úrnak|urat|úrral|úrtól|úrhoz|úré|asszony|asszonynak|asszonyt|asszonnyal|asszonytól|asszonyhoz|kisasszony|kisasszonynak|néni|néninek|nénit|bácsi|bácsinak|bácsit|doktor|doktornő',
    oneLetterWords: 'a|s|é',
    inflections: [
      'ccsal cs',
      'ccsel cs',
      'zzsal zs',
      'zzsel zs',
      'ggyal gy',
      'ggyel gy',
      'nnyal ny',
      'nnyel ny',
      'ttyal ty',
      'llyal ly',
      'nak -',
      'nek -',
      'val -',
      'vel -',
      'nal -',
      'nel -',
      'tol -',
      'rol -',
      'bol -',
      'hoz -',
      'hez -',
      'ert -',
      'ban -',
      'ben -',
      'ba -',
      'be -',
      'ra -',
      're -',
      'on -',
      'en -',
      'ig -',
      'ne -',
      'sal -',
      'sel -',
      'ral -',
      'rel -',
      'lal -',
      'lel -',
      'nal -',
      'mal -',
      'mel -',
      'tal -',
      'tel -',
      'dal -',
      'del -',
      'zal -',
      'zel -',
      'kal -',
      'kel -',
      'gal -',
      'gel -',
      'fal -',
      'fel -',
      'bal -',
      'bel -',
      'pal -',
      'pel -',
      'ot -',
      'et -',
      'at -',
      't -',
      'e -',
    ],
    notCaseEndings: ['ne'],
    feminineSurnames: [],
    related: [],
    streetsAfter: 'utca|út|útja|tér|tere|körút|köz|sor|sétány|rakpart|fasor|kft|zrt|bt|nyrt',
  },
  // Indonesian and Malay (tinyld answers `id` for both; a hint of `ms` reads as `id`). Many people
  // have one name ("Budi", "Sukarno"); forms of address (Bapak/Pak, Ibu/Bu, Mas, Mbak, Kak) are
  // also said to the reader as "you" ("Apakah Bapak sudah menerima?"), which leaves no name after them.
  id: {
    given:
      'budi|agus|eko|tri|dewi|sri|siti|ahmad|muhammad|mohammad|mohamad|mohd|andi|rudi|hendra|dian|rina|wati|yanti|ani|putri|ayu|indah|fitri|nur|rizky|rizki|dwi|adi|bambang|joko|slamet|sutrisno|wahyu|hadi|yusuf|bayu|fajar|dimas|arif|ari|fauzi|irfan|ilham|reza|fadli|rahmat|taufik|teguh|heru|dedi|yudi|asep|ujang|made|ketut|wayan|nyoman|kadek|putu|gede|komang|ratna|sari|lestari|rahayu|wulan|ratih|nia|novi|maya|mega|lia|intan|nurul|aisyah|fatimah|kartika|anisa|annisa|citra|dinda|fitriani|handayani|kurniawati|lina|mira|nadia|nina|puspita|rani|retno|sinta|tuti|yuni|yulia|susi|endang|sumiati|hasan|husain|hussein|ali|umar|abdul|abdullah|rahman|aziz|iwan|agung|aditya|bagus|galih|gilang|yoga|rendy|rendi|doni|dony|tono|toni|anton|benny|indra|rudy|rizal|firman|hendro|budiman|sugeng|suparman|supriadi|suryani|sulastri|wahyuni|nurhayati|yuliana|kurnia|melati|anggun|bunga|mawar|rosa|amelia|dewanti|larasati|ayudia|salsabila|aulia|zahra|syifa|farah|hafiz|irwan|lukman|nanda|nabila|siti|wening|winda|yeni|zainal|zulkifli|aminah|halimah|rosmah|azizah|nor|noor|faizal|hafizah|ismail|ibrahim|iskandar|kamal|khairul|mazlan|razak|rosli|shafiq|syafiq|syahrul|zulkarnain',
    ambiguousGiven:
      'indah|ayu|putri|intan|mega|bayu|fajar|citra|sari|lestari|rahayu|nur|teguh|rahmat|wulan|kartika|bagus|bunga|mawar|melati|kurnia|agung|made|gilang|anggun|yoga|doni|rosa|slamet|budiman|dian|tri',
    surnames:
      'santoso|wijaya|saputra|saputri|pratama|kusuma|hidayat|setiawan|gunawan|nugroho|susanto|wibowo|kurniawan|hartono|purnomo|siregar|nasution|lubis|harahap|simanjuntak|sitompul|situmorang|hutagalung|sinaga|tanjung|pane|sihombing|panjaitan|manurung|simatupang|sembiring|ginting|tarigan|halim|tan|lim|salim|suharto|sukarno|hakim|firmansyah|ramadhan|ramadan|hermawan|sutanto|utomo|prasetyo|prasetya|wahyudi|suryadi|permana|saragih|hasibuan|daulay|matondang|marpaung|pohan|siahaan|hutapea|tambunan|sianturi|effendi|efendi|syahputra|maulana|fauzan|wijayakusuma|sudirman|suryono|widodo|yudhoyono|pangaribuan|manullang|napitupulu|silalahi|sitorus|hutabarat|lumbantobing|tobing|pardede|sinurat|pakpahan|rangkuti|batubara|ritonga|kusnadi|suhendra|setiadi|hadiwijaya|tanoto|sugiarto|budiono|subagyo|haryanto|suprapto|sudarsono|irawan|anwar|baharuddin|abdullah|ismail|othman|osman|yusof|hashim|hamid|rashid|mahmud',
    honorifics:
      'bapak|pak|bpk|ibu|bu|sdr|sdri|saudara|saudari|mas|mbak|mba|kak|kakak|bang|abang|dik|adik|tuan|nyonya|ny|nona|encik|cik|puan|dr|drg|prof|ir|haji|hj|datuk|dato',
    nameCues:
      'nama saya|saya bernama|nama saya adalah|nama lengkap saya|nama lengkap|atas nama|a.n.|perkenalkan saya|perkenalkan, saya|panggil saja|panggil saya|nama penerima|salam,|salam|hormat saya,|hormat saya|yang benar,|ikhlas,',
    weakCues:
      'halo|hai|hi|selamat pagi|selamat siang|selamat sore|selamat malam|selamat|terima kasih|makasih|dengan|kepada|yth|yang terhormat|yang saya hormati|saya|ini|dan|untuk|dari|sama|oleh|bersama|hormat',
    commonWords:
      "anda|kamu|saya|aku|kami|kita|mereka|dia|beliau|halo|hai|selamat|pagi|siang|sore|malam|terima|kasih|makasih|mohon|maaf|silakan|silahkan|baik|ya|tidak|tak|bukan|apakah|apa|bisa|boleh|sudah|belum|pesanan|pesanannya|paket|paketnya|pengiriman|kiriman|tagihan|faktur|akun|kartu|rekening|layanan|pelanggan|kustomer|toko|tim|admin|kurir|senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|hari|ini|besok|kemarin|lebaran|idul|fitri|natal|ramadan|indonesia|bahasa|jalan|jl|gang|gg|kota|kabupaten|kab|kecamatan|kec|kelurahan|kel|desa|provinsi|prov|rt|rw|pt|cv|tbk|tokopedia|shopee|gojek|grab|lazada|bukalapak|blibli|traveloka|jne|sicepat|anteraja|pos|bca|bni|bri|mandiri|ovo|gopay|dana|linkaja|telkomsel|indosat|xl|yang|dengan|untuk|dari|dan|atau|tetapi|jika|kalau|karena|agar|supaya|sehingga|bahwa|jadi|juga|lagi|masih|akan|sedang|telah|pak|bu",
    places:
      'jakarta|surabaya|bandung|medan|semarang|makassar|palembang|depok|tangerang|bekasi|bogor|yogyakarta|jogja|jogjakarta|malang|denpasar|bali|batam|pekanbaru|padang|bandar lampung|lampung|banjarmasin|balikpapan|samarinda|pontianak|manado|solo|surakarta|cirebon|serang|cilegon|jambi|bengkulu|kupang|mataram|ambon|jayapura|sorong|kendari|palu|gorontalo|ternate|aceh|banda aceh|sumatera|sumatra|jawa|kalimantan|sulawesi|papua|nusa tenggara|madura|lombok|indonesia|malaysia|kuala lumpur|selangor|johor|johor bahru|penang|pulau pinang|sabah|sarawak|singapura|singapore|brunei',
    placeCues:
      'di|jalan|jl|gang|gg|kota|kabupaten|kab|kecamatan|kec|kelurahan|kel|desa|provinsi|perumahan|komplek|kompleks|toko|pt|cv|bank|universitas|rumah sakit|rs',
    notPersonAfter: 'tbk|pt|cv|indonesia|mall|plaza|raya|baru|utara|selatan|timur|barat|tengah',
    postHonorifics: '',
    oneLetterWords: '',
    inflections: [],
    feminineSurnames: [],
    related: [],
  },
};
