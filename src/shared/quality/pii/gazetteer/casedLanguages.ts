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
  /** Feminine surnames made from the masculine ones ("ов ова": Петров → Петрова). */
  feminineSurnames: readonly string[];
  /** Languages whose given names and surnames are this language's own too (ru ↔ uk). */
  related: readonly string[];
}

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
};
