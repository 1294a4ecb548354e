// Part B of the core's sentences; see ./nl.ts.
export const coreNlB: Record<string, string> = {
  'background.no_cli':
    'het opdrachtregelprogramma docket is niet gevonden naast Docket of in PATH, en de timer heeft het nodig. Installeer de docket-CLI (of stel DOCKET_CLI_PATH in op het pad ervan) en probeer het daarna opnieuw',
  'background.no_config_folder':
    'dit account heeft geen configuratiemap (HOME is niet ingesteld); stel HOME in en probeer het opnieuw',
  'background.no_linger':
    'lingering staat uit voor deze gebruiker, dus de timer draait alleen zolang u bent aangemeld. Om hem ook te laten draaien nadat u zich hebt afgemeld, voert een beheerder `loginctl enable-linger {user}` uit; de sleutelhanger (Secret Service) kan dan vergrendeld zijn wanneer een uitvoering start, en uitvoeringen die geheimen nodig hebben, mislukken met een sleutelhangerfout totdat u zich aanmeldt — of geef die geheimen aan de service als omgevingsvariabelen DOCKET_*',
  'background.no_systemctl':
    'systemctl is niet gevonden ({detail}): dit systeem gebruikt geen systemd. Voer `docket schedule install --print` uit en voeg de opdracht die het toont toe aan cron of aan de eigen planner van dit systeem',
  'background.no_user_manager':
    '`systemctl --user` kan de systemd-manager van deze gebruiker niet bereiken (die meldt “{state}”), dus hier kan geen timer worden geïnstalleerd of gecontroleerd. Dit gebeurt in containers, via sommige SSH-sessies en in CI. Meld u aan bij een bureaublad of een volledige aanmeldingssessie en probeer het opnieuw; voer op een server `loginctl enable-linger {user}` uit (als beheerder), zodat de manager van de gebruiker zonder sessie draait, of voer in plaats daarvan `docket run-due` uit vanuit cron of de eigen planner van de server',
  'background.not_absolute':
    '“{path}” moet een absoluut pad op één regel zijn om door een timer te kunnen worden uitgevoerd',
  'background.not_enabled':
    'de units van de timer zijn geïnstalleerd maar niet ingeschakeld: voer `systemctl --user enable --now {unit}` uit, of voer `docket schedule install` opnieuw uit',
  'background.not_installed':
    'er is geen timer geïnstalleerd: geplande uitvoeringen vinden alleen plaats zolang de Docket-app open is. Voer `docket schedule install` uit (of schakel in de app “Geplande imports laten doorgaan als Docket gesloten is” in)',
  'background.not_utf8': '{path} is geen geldige UTF-8-tekst; verplaats het naar een pad dat een timer kan benoemen',
  'background.remove':
    'kan {path} niet verwijderen: {detail}. Controleer of u in die map mag schrijven en probeer het daarna opnieuw',
  'background.systemctl':
    '`systemctl {args}` is mislukt: {detail}. Voer de opdracht zelf uit om te zien waarom en probeer het daarna opnieuw',
  'background.unsupported':
    'dit platform heeft geen systemd: Docket installeert hier zelf geen timer. Voer `docket schedule install --print` uit en installeer de launchd-agent (macOS) of de geplande taak (Windows) die het toont',
  'background.write':
    'kan {path} niet schrijven: {detail}. Controleer of u in die map mag schrijven en probeer het daarna opnieuw',
  'config.container_characters': 'gebruik alleen kleine letters, cijfers en koppeltekens',
  'config.container_hyphens':
    'een koppelteken mag niet aan het begin of einde van de naam staan, en niet op een ander koppelteken volgen',
  'config.container_length': 'een containernaam heeft 3 tot 63 tekens',
  'config.container_name': 'de containernaam “{name}”: {why}',
  'config.invalid': '{field}: {message}',
  'config.no_data_folder':
    'dit account heeft geen gegevensmap (HOME is niet ingesteld), dus Docket kan zijn grootboek nergens bewaren. Geef een map op met --state of DOCKET_STATE_DIR',
  'config.source_spec':
    '--source “{spec}”: verwacht werd KIND:LOCATION, waarbij KIND whatsapp, telegram, x of telegram-bot is (bijvoorbeeld whatsapp:chat.zip of telegram-bot:compliance)',
  'config.target_spec': '--target “{spec}”: verwacht werd dir:PATH, azure:CONTAINER, graph of graph:FOLDER',
  'config.timezone':
    'de tijdzone “{zone}” is geen IANA-tijdzone (bijvoorbeeld Europe/Amsterdam, America/New_York of UTC)',
  'connectors.newer':
    'deze connectors zijn opgeslagen door een nieuwere versie van Docket (indeling {format}); werk Docket bij om ze te openen',
  'connectors.no_name': 'geef de connector een naam, bijvoorbeeld “WhatsApp – verkoopteam”',
  'connectors.no_source': 'kies het exportbestand of de exportmap die deze connector importeert',
  'connectors.read': 'kan de opgeslagen connectors niet lezen: {detail}. Controleer of u deze map mag lezen',
  'connectors.unknown':
    'geen enkele opgeslagen connector heeft de id “{id}”; misschien is hij verwijderd. Laad het dashboard opnieuw',
  'connectors.unreadable':
    'de opgeslagen connectors kunnen niet worden gelezen ({detail}). Zet het bestand terug uit een back-up, of verplaats het en stel de connectors opnieuw in; gearchiveerde berichten en het grootboek blijven onaangetast',
  'connectors.write':
    'kan de opgeslagen connectors niet schrijven: {detail}. Controleer of de schijf ruimte heeft en of u in deze map mag schrijven',
  'consent.no_answer_in_it': 'Het antwoord bevatte geen admin_consent=True en ook geen fout. Begin opnieuw aan de toestemming van de beheerder.',
  'consent.timed_out': 'Er kwam binnen {minutes} minuten geen antwoord van de toestemmingspagina. Begin opnieuw aan de toestemming van de beheerder, of bevestig die handmatig als die elders is gegeven.',
  'consent.wrong_state': 'Er kwamen alleen antwoorden binnen die de state van dit toestemmingsverzoek niet bevatten (van een oud browsertabblad of een ander programma); ze zijn niet als toestemming vastgelegd. Begin opnieuw aan de toestemming van de beheerder.',
  'dashboard.no_run': 'het grootboek bevat geen uitvoering {run}; laad de uitvoeringsgeschiedenis opnieuw en kies een andere',
  'due.window_busy':
    'er loopt een import die in het Docket-venster is gestart; deze connector blijft aan de beurt en wordt bij de volgende controle uitgevoerd',
  'entra.no_secret':
    'er is nog geen clientgeheim opgeslagen; plak de Waarde van het clientgeheim van de app in de stap Entra ID en sla het op',
  'error.cancelled': 'de uitvoering is geannuleerd; voer die opnieuw uit om verder te gaan waar die is gestopt',
  'error.internal': 'interne fout: {detail}',
  'field.bot_token': 'Telegram-bottoken',
  'field.client_id': 'Toepassings-id (client-id)',
  'field.client_secret': 'clientgeheim',
  'field.cloud_authority': 'aanmeldingsinstantie van de cloud',
  'field.concurrency': 'gelijktijdigheid',
  'field.connector': 'connector',
  'field.connector_name': 'naam van de connector',
  'field.docket_binary': 'programmabestand van docket',
  'field.export': 'export',
  'field.folder': 'map',
  'field.graph_address': 'Microsoft Graph-adres',
  'field.location': 'locatie',
  'field.mapping': 'toewijzing',
  'field.mapping_csv': 'toewijzings-CSV',
  'field.owner_mailbox': 'eigenaarspostvak',
  'field.run': 'uitvoering',
  'field.schedule': 'planning',
  'field.schedule_time': 'tijdstip van de planning',
  'field.secret_expiry': 'vervaldatum van het clientgeheim',
  'field.secret_lifetime': 'geldigheidsduur van het clientgeheim',
  'field.source': 'bron',
  'field.state_folder': 'statusmap',
  'field.storage_connection': 'verbindingsreeks voor de opslag',
  'field.systemd_folder': 'systemd-gebruikersmap',
  'field.target': 'doel {number} ({name})',
  'field.target_kind': 'doel',
  'field.targets': 'doelen',
  'field.tenant_id': 'Directory-id (tenant-id)',
  'field.x_access_token': 'X-toegangstoken',
  'field.x_access_token_secret': 'X-toegangstokengeheim',
  'field.x_api_key': 'X-API-sleutel',
  'field.x_api_secret': 'X-API-sleutelgeheim',
  'identity.browser':
    'Docket kon de systeembrowser niet openen ({detail}); open de aanmeldingspagina zelf of probeer het opnieuw',
  'identity.expired_secret':
    'het clientgeheim van app {client_id} is verlopen (AADSTS7000222). Maak in de app-registratie onder Certificaten en geheimen een nieuw clientgeheim, sla het op in Docket en voer de test opnieuw uit.',
  'identity.invalid_input': '{field}: {message}',
  'identity.invalid_secret':
    'Microsoft Entra ID heeft het clientgeheim van app {client_id} geweigerd ({aadsts}). Controleer of u de Waarde van het geheim hebt geplakt (niet de geheim-id) en of het niet is verlopen, of maak in de app-registratie onder Certificaten en geheimen een nieuw clientgeheim; sla het daarna opnieuw op en voer de test opnieuw uit.',
  'identity.keychain':
    'de sleutelhanger van het besturingssysteem kon de aanmelding niet bewaren ({detail}); ontgrendel de sleutelhanger en meld u opnieuw aan',
  'identity.listener':
    'Docket kon op deze computer niet luisteren naar het antwoord op de beheerderstoestemming ({detail}). Controleer of geen beveiligingsprogramma lokale verbindingen met 127.0.0.1 blokkeert, of bevestig de toestemming in plaats daarvan handmatig.',
  'identity.no_consent_pending':
    'er wacht geen beheerderstoestemming op een antwoord; begin opnieuw aan de stap Toestemming van de beheerder',
  'identity.no_secret_given':
    'er is geen clientgeheim opgegeven; plak de Waarde van een clientgeheim van de pagina Certificaten en geheimen van de app-registratie',
  'identity.not_client_id':
    '“{client_id}” is geen toepassings-id; kopieer de Toepassings-id (client), een GUID zoals 00001111-aaaa-2222-bbbb-3333cccc4444, van de overzichtspagina van de app-registratie',
  'identity.not_tenant':
    '“{tenant}” is geen tenant-id; kopieer de Directory-id (tenant), een GUID zoals 00001111-aaaa-2222-bbbb-3333cccc4444, of het domein van de tenant (contoso.onmicrosoft.com) van de overzichtspagina van de app-registratie',
  'identity.refused':
    'Microsoft Entra ID heeft de aanmelding van app {client_id} geweigerd ({error}): {description}. Controleer de app-registratie in het Entra-beheercentrum en voer de test opnieuw uit.',
  'identity.sign_in_needed':
    'de beheerder is niet aangemeld bij Microsoft Entra ID (of de aanmelding is verlopen); meld u opnieuw aan',
  'identity.sign_in_refused': 'Microsoft Entra ID heeft de aanmelding niet voltooid ({error}): {description}',
  'identity.sign_in_rejected':
    'er kwam een antwoord binnen dat niet de state van deze aanmelding bevat (van een oud browsertabblad of een ander programma); het is niet gebruikt. Start de aanmelding opnieuw.',
  'identity.sign_in_timed_out':
    'er kwam binnen {minutes} minuten geen antwoord terug van de aanmeldingspagina van Microsoft; start de aanmelding opnieuw',
  'identity.superseded':
    'deze beheerderstoestemming is vervangen door een nieuwere of handmatig bevestigd; er is niets van vastgelegd',
  'identity.unexpected_response':
    '{endpoint} antwoordde niet zoals Microsoft Entra ID ({detail}). Controleer of de juiste cloud is geselecteerd en of geen proxy het aanmeldingsverkeer herschrijft; meld het als het blijft gebeuren.',
  'identity.unknown_app':
    'Microsoft Entra ID heeft geen app met Toepassings-id (client) {client_id} in tenant {tenant} (AADSTS700016). Kopieer de id van de overzichtspagina van de app-registratie en controleer of de app in deze tenant is geregistreerd.',
  'identity.unknown_tenant':
    'Microsoft Entra ID kent de tenant “{tenant}” niet ({aadsts}). Kopieer de Directory-id (tenant) van de overzichtspagina van de app-registratie en controleer of de juiste cloud (Global, US Government of China) is geselecteerd.',
  'identity.unreachable':
    'Docket kon Microsoft Entra ID op {endpoint} niet bereiken ({detail}). Controleer de netwerkverbinding, proxy en firewall, en of de juiste cloud is geselecteerd; voer daarna de test opnieuw uit.',
  'keychain.memory_only':
    'Geheimen worden alleen voor deze sessie in het geheugen bewaard: er wordt geen sleutelhanger van het besturingssysteem gebruikt.',
  'keychain.persistent': 'De sleutelhanger van het besturingssysteem is beschikbaar en bewaart geheimen tussen sessies.',
  'ledger.busy':
    'een andere uitvoering van Docket gebruikt {path}. Wacht tot die klaar is, of geef deze uitvoering met --state een andere map.',
  'ledger.lock': 'kan {path} niet vergrendelen: {detail}',
  'ledger.missing':
    'er is geen grootboek in {path}: met deze statusmap is niets geïmporteerd. Controleer --state (dat moet de map zijn die uw imports gebruiken), of voer eerst een import uit.',
  'ledger.open':
    'kan de statusdatabase {path} niet openen: {detail}. Controleer of de map bestaat en beschrijfbaar is, of kies een andere met --state.',
  'ledger.sql':
    'de statusdatabase is mislukt ({detail}). Als de schijf vol is, maak dan ruimte vrij en voer het opnieuw uit; niets wat al is gearchiveerd, gaat verloren.',
  'm365.no_mailbox': 'er is geen postvak om te controleren: kies een toewijzings-CSV of een eigenaarspostvak',
  'm365.no_secret':
    'er is nog geen clientgeheim opgeslagen; registreer de app of plak het clientgeheim ervan in de stap Entra ID en sla het op (de opdrachtregel leest ook DOCKET_CLIENT_SECRET)',
  'm365.secret_days': '{days} dagen ligt niet tussen 1 en {max} dagen; kies hoe lang het geheim geldig blijft',
  'm365.secret_expiry': '“{value}” is geen datum en tijd (RFC 3339)',
  'mapping.address.bad_domain': 'heeft een domein met een leeg deel of een teken dat niet in een domein mag voorkomen',
  'mapping.address.control_character': 'bevat een onzichtbaar stuurteken',
  'mapping.address.domain_without_dot': 'heeft een domein zonder punt (verwacht werd bijvoorbeeld contoso.com)',
  'mapping.address.fault': 'het adres {fault}',
  'mapping.address.invalid_cell': '{column} “{address}” {fault}',
  'mapping.address.no_at': 'bevat geen @',
  'mapping.address.no_domain': 'heeft niets na de @',
  'mapping.address.no_local_part': 'heeft niets vóór de @',
  'mapping.address.several_ats': 'bevat meer dan één @',
  'mapping.address.too_long': 'is langer dan de 254 tekens die een adres mag hebben',
  'mapping.address.whitespace': 'bevat een spatie',
  'mapping.cell.empty': 'de cel {column} is leeg; vul die in of verwijder de rij',
  'mapping.cell.formula':
    '{column} “{cell}”: deze cel lijkt een spreadsheetformule; Docket leest die niet. Typ de waarde als gewone tekst',
  'mapping.cell.not_utf8':
    'de cel {column} is geen UTF-8-tekst; sla het bestand op als “CSV UTF-8” en kies het opnieuw',
  'mapping.cell.several_lines': 'de cel {column} “{cell}” beslaat meerdere regels; zet de inhoud op één regel',
  'mapping.default_region.unknown':
    'de standaardregio “{region}” is geen landcode van twee letters zoals NL of BE; corrigeer de standaardregio en controleer het bestand opnieuw',
  'mapping.duplicate_handle':
    '@{handle} komt twee keer voor met verschillende adressen (rijen {first} en {row}); behoud de juiste',
  'mapping.file.no_rows':
    'het bestand heeft geen rijen; het heeft een koprij nodig met {expected}, en daarna één rij per gebruiker',
  'mapping.file.too_large':
    'het is groter dan {megabytes} MB, veel meer dan een toewijzingsbestand nodig heeft; controleer of dit het juiste bestand is',
  'mapping.file.utf16':
    'het bestand is opgeslagen als UTF-16-tekst; kies in Excel Opslaan als > “CSV UTF-8 (door komma’s gescheiden)” en kies het nieuwe bestand',
  'mapping.header.expected': 'een telefoonkolom ({phone_headers}) en een adreskolom ({address_headers})',
  'mapping.header.fix_data_row':
    'De eerste rij lijkt gegevens te bevatten, geen koprij: voeg erboven een koprij toe, zoals MobileNumber,EmailAddress, en kies het bestand opnieuw',
  'mapping.header.fix_rename':
    'Geef de kolommen een andere naam (bijvoorbeeld MobileNumber en EmailAddress) en kies het bestand opnieuw',
  'mapping.header.holds_nothing': 'niets',
  'mapping.header.missing_columns':
    'de koprij (rij {row}) heeft {missing}; er is {expected} nodig. De koprij bevat: {found}. {fix}',
  'mapping.header.no_address': 'geen adreskolom',
  'mapping.header.no_phone': 'geen telefoonkolom',
  'mapping.header.no_phone_and_no_address': 'geen telefoonkolom en geen adreskolom',
  'mapping.header.two_address_columns':
    'de koprij (rij {row}) heeft twee adreskolommen, “{first}” en “{second}” (kolommen {first_column} en {second_column}); geef er een een andere naam of verwijder er een, en kies het bestand opnieuw',
  'mapping.header.two_phone_columns':
    'de koprij (rij {row}) heeft twee telefoonkolommen, “{first}” en “{second}” (kolommen {first_column} en {second_column}); geef er een een andere naam of verwijder er een, en kies het bestand opnieuw',
  'mapping.header.unclosed_quote':
    'een aanhalingsteken in de koprij (rij {row}) wordt nooit gesloten, zodat het hele bestand als koprij wordt gelezen; sluit het aanhalingsteken',
  'mapping.header.unreadable': 'de koprij (rij {row}) kan niet worden gelezen: {problem}',
  'mapping.invalid': 'het toewijzingsbestand {path} kan niet worden gebruikt: {problem}',
  'mapping.one_problem':
    'het toewijzingsbestand {path} heeft een probleem in rij {row}: {problem}. Corrigeer de rij en kies het bestand opnieuw.',
  'mapping.phone.duplicate':
    '{number} komt twee keer voor met verschillende adressen (rijen {first} en {row}: {existing} en {address}); behoud de rij met het juiste adres en verwijder de andere',
  'mapping.phone.invalid': '{column} “{cell}” is geen geldig telefoonnummer; controleer de landcode en de cijfers',
  'mapping.phone.invalid_in_region':
    '{column} “{cell}” is geen geldig telefoonnummer in de standaardregio {region}; voeg de landcode toe, bijvoorbeeld +31 6 12345678, of controleer de cijfers',
  'mapping.phone.invalid_in_region_plus_lost':
    '{column} “{cell}” is geen geldig telefoonnummer in de standaardregio {region}; voeg de landcode toe, bijvoorbeeld +31 6 12345678, of controleer de cijfers (als het +{digits} is, geef de kolom dan de notatie Tekst, zodat de spreadsheet de + behoudt)',
  'mapping.phone.no_country_code':
    '{column} “{cell}” heeft geen landcode; voeg de landcode toe, bijvoorbeeld +31 6 12345678, of stel de standaardregio in',
  'mapping.phone.no_country_code_plus_lost':
    '{column} “{cell}” heeft geen landcode; voeg de landcode toe, bijvoorbeeld +31 6 12345678, of stel de standaardregio in (als het +{digits} is, geef de kolom dan de notatie Tekst, zodat de spreadsheet de + behoudt)',
  'mapping.phone.scientific_notation':
    '{column} “{cell}” is door een spreadsheet omgezet in wetenschappelijke notatie, waarbij cijfers verloren gaan; geef de kolom de notatie Tekst, typ de nummers opnieuw en sla het bestand op',
  'mapping.problems':
    'het toewijzingsbestand {path} heeft {count} problemen; het eerste staat in rij {row}: {first}. Corrigeer de rijen en kies het bestand opnieuw.',
  'mapping.problems_unlisted':
    'het toewijzingsbestand {path} bevat problemen. Corrigeer de rijen en kies het bestand opnieuw.',
  'mapping.read':
    'kan het toewijzingsbestand {path} niet lezen: {detail}; controleer het pad en of Docket het bestand mag lezen',
  'mapping.row.invalid_csv': 'de rij is geen geldige CSV ({detail})',
  'mapping.row.several_records': 'de rij bevat meer dan één record; controleer de aanhalingstekens ervan',
  'mapping.row.too_few_fields_commas':
    'de rij heeft maar {count} van de {needed} velden die nodig zijn om de kolommen {phone} en {address} te bereiken; het bestand scheidt velden met komma’s (,), dus controleer of deze rij dat ook doet',
  'mapping.row.too_few_fields_semicolons':
    'de rij heeft maar {count} van de {needed} velden die nodig zijn om de kolommen {phone} en {address} te bereiken; het bestand scheidt velden met puntkomma’s (;), dus controleer of deze rij dat ook doet',
  'mapping.row.unclosed_quote': 'een aanhalingsteken in deze rij wordt nooit gesloten; sluit het',
  'mapping.row.unclosed_quote_rows':
    'een aanhalingsteken in deze rij wordt nooit gesloten, zodat de rijen {first}-{last} als één cel worden gelezen; sluit het aanhalingsteken',
  'mapping.row.unreadable': 'de rij kon niet worden gelezen ({detail})',
  'mapping.telegram.bad_user_id': '{column} “{value}” is geen Telegram-gebruikers-id (een positief geheel getal)',
  'mapping.telegram.bad_username':
    '{column} “{value}” is geen Telegram-gebruikersnaam (5 tot 32 letters, cijfers of onderstrepingstekens)',
  'mapping.telegram.duplicate_user_id':
    'gebruikers-id {id} komt twee keer voor met verschillende adressen (rijen {first} en {row}); behoud de juiste',
  'mapping.telegram.no_address_column':
    'de koprij (rij {row}) heeft Telegram-kolommen maar geen adreskolom ({address_headers})',
  'mapping.telegram.row_without_either':
    'de rij heeft geen {id_column} of {username_column} (en ook geen telefoonnummer); vul er een in of verwijder de rij',
  'mapping.telegram.row_without_id':
    'de rij heeft geen {column} (en ook geen telefoonnummer); vul er een in of verwijder de rij',
  'mapping.unmapped.and': '{earlier}; {next}',
  'mapping.unmapped.auto_map_off': 'automatische toewijzing staat uit',
  'mapping.unmapped.email_fault': '{by_phone}, en het bijbehorende e-mailadres “{email}” {fault}',
  'mapping.unmapped.email_unused': '{by_phone}, en het bijbehorende e-mailadres is niet gebruikt',
  'mapping.unmapped.invalid_phone': 'heeft een telefoonnummer dat niet geldig is',
  'mapping.unmapped.invalid_phone_in_region':
    'heeft een telefoonnummer dat niet geldig is in de standaardregio van de toewijzing',
  'mapping.unmapped.more_participants': 'en nog {count} deelnemers',
  'mapping.unmapped.no_country_code':
    'heeft een telefoonnummer zonder landcode, terwijl er geen standaardregio is ingesteld',
  'mapping.unmapped.no_email': '{by_phone}, en heeft geen e-mailadres',
  'mapping.unmapped.no_mapping_csv': 'er is geen toewijzings-CSV ingesteld',
  'mapping.unmapped.no_mapping_csv_for_phone': 'heeft een telefoonnummer, maar er is geen toewijzings-CSV',
  'mapping.unmapped.no_owner_mailbox': 'er is geen eigenaarspostvak ingesteld',
  'mapping.unmapped.no_participants': 'het item noemt geen deelnemers',
  'mapping.unmapped.no_phone': 'heeft geen telefoonnummer',
  'mapping.unmapped.not_in_csv': 'staat niet in de toewijzings-CSV',
  'mapping.unmapped.one_more_participant': 'en nog één deelnemer',
  'mapping.unmapped.participant': '{participant} {why}',
  'mapping.unmapped.reason':
    'geen enkele deelnemer wordt toegewezen aan een Microsoft 365-postvak: {reasons}. Voeg het nummer van een deelnemer toe aan de toewijzings-CSV en importeer daarna de niet-toegewezen items opnieuw',
  'mapping.unmapped.unnamed_participant': 'een deelnemer zonder naam {why}',
  'mapping.x.bad_handle': '{column} “{value}” is geen X-naam (1 tot 15 letters, cijfers of onderstrepingstekens)',
  'mapping.x.missing_columns':
    'de koprij (rij {row}) heeft een kolom voor de X-naam ({handle_headers}) en een adreskolom ({address_headers}) nodig',
  'mapping.x.no_rows': 'het bestand heeft geen rijen; het heeft een koprij nodig, zoals XHandle,EmailAddress',
  'paths.link': '{path} is een koppeling, en Docket volgt geen koppelingen: kies {wanted}',
  'paths.not_full': '{path} is geen volledig pad; kies {wanted}',
  'paths.not_wanted': '{path} is niet {wanted}; kies {wanted}',
  'paths.unreadable': '{path} kan niet worden gecontroleerd ({detail}); kies {wanted}',
  'paths.wanted_file': 'een bestand van het type {kinds}',
  'paths.wanted_file_or_folder': 'een bestand van het type {kinds} of de map waarin het staat',
  'pipeline.draft_allowed': 'alleen als concept opgeslagen (concepten zijn toegestaan voor deze connector) in {mailboxes}',
  'pipeline.mailbox_problem': '{mailbox}: {problem}',
  'pipeline.no_target': 'de uitvoering heeft geen doel; kies waar de berichten naartoe gaan',
  'pipeline.not_rendered': '{problem} (bestemd voor {mailboxes})',
  'pipeline.worker_cancelled': 'de verwerking van dit item is geannuleerd; niets wat al gearchiveerd is gaat verloren, voer de import opnieuw uit en meld het als het zich herhaalt',
  'pipeline.worker_panicked': 'de verwerking van dit item is gestopt door een interne fout; niets wat al gearchiveerd is gaat verloren, voer de import opnieuw uit en meld het als het zich herhaalt',
  'plan.bot_name':
    'de Telegram-botconnector heeft een naam nodig van letters, cijfers, -, _, . of @ (telegram-bot:NAME)',
  'plan.concurrency': '{count} items tegelijk is niet toegestaan; kies van 1 tot {max}',
  'plan.empty_folder': 'de mapnaam is leeg; laat die weg om de gebruikelijke map te gebruiken',
  'plan.no_account': 'er is geen account gekozen',
  'plan.no_client': 'de toepassings-id (client-id) ontbreekt',
  'plan.no_dir': 'er is geen map gekozen; kies de map waarin de .eml-bestanden moeten worden geschreven',
  'plan.no_export': 'er is geen exportbestand of exportmap gekozen',
  'plan.no_storage_secret':
    'er is nog geen verbindingsreeks of SAS voor de opslag opgeslagen; voer die in bij de archiefkopie in de stap Bezorging van de wizard (de opdrachtregel leest ook DOCKET_STORAGE_CONNECTION_STRING)',
  'plan.no_target': 'er is geen doel gekozen; kies waar de berichten naartoe gaan',
  'plan.no_tenant': 'de directory-id (tenant-id) ontbreekt',
  'plan.not_graph': 'dit is geen Microsoft Graph-doel',
  'plan.owner_mailbox': '“{mailbox}” is geen e-mailadres zoals compliance@contoso.com',
  'plan.target_twice': 'dit doel is twee keer opgegeven; geef elk doel één keer op',
  'plan.whatsapp_utc':
    'er is geen tijdzone opgegeven en een WhatsApp-export bevat er geen, dus de tijden zijn als UTC gelezen; als de telefoon waarmee is geëxporteerd op een andere zone stond, wijkt de tijd van elk bericht evenveel af: geef de zone op (de tijdzone in de wizard, of --timezone) en voer het opnieuw uit',
  'preview.x': 'X wordt via de API gelezen, niet uit een export, dus er is geen bestandsvoorbeeld',
  'report.no_folder': 'dit is geen volledig pad in een bestaande map; kies een andere plek in het opslagvenster',
  'report.not_a_report':
    'een bestand dat geen Docket-rapport van deze soort is, heeft al deze naam, en Docket vervangt alleen zijn eigen rapporten; kies een andere naam',
  'report.not_saved':
    'het rapport kon niet worden opgeslagen: {detail}. Controleer of de schijf ruimte heeft en of u daar mag schrijven, of kies een andere plek',
  'schedule.hours': 'elke {hours} uur is niet toegestaan; kies van 1 tot {max} uur',
  'schedule.minutes': 'elke {minutes} minuten is niet toegestaan; kies van 1 tot {max} minuten',
  'schedule.time': '“{at}” is geen tijdstip; schrijf het als UU:MM in 24-uursnotatie, bijvoorbeeld 02:00',
  'secret_expiry.expired':
    'Het clientgeheim van de Entra ID-app is verlopen op {when}. Bezorgingen via Graph liggen stil totdat er een nieuw geheim is toegevoegd: voeg er een toe in de stap Entra ID.',
  'secret_expiry.soon':
    'Het clientgeheim van de Entra ID-app verloopt op {when} (nog {days} dagen). Voeg vóór die datum een nieuw geheim toe in de stap Entra ID.',
  'secrets.client_secret_empty':
    'het clientgeheim is leeg; plak de Waarde van een clientgeheim van de pagina Certificaten en geheimen van de app-registratie',
  'secrets.client_secret_id':
    'dit lijkt de geheim-id van het geheim, niet de Waarde; kopieer de kolom Waarde van het clientgeheim (die wordt alleen direct na het maken getoond; is die verborgen, maak dan een nieuw clientgeheim)',
  'secrets.denied':
    'de sleutelhanger van het besturingssysteem heeft de toegang tot het item “{name}” geweigerd ({detail}). Ontgrendel de sleutelhanger en probeer het opnieuw.',
  'secrets.not_persistent_changed':
    'de sleutelhanger van het besturingssysteem heeft een testgeheim niet bewaard (er werd een andere waarde teruggelezen). Docket slaat geen geheimen op waar ze verloren zouden gaan; zorg dat er een blijvende sleutelhanger (Secret Service) draait.',
  'secrets.not_persistent_lost':
    'de sleutelhanger van het besturingssysteem heeft een testgeheim niet bewaard (er werd niets teruggelezen). Docket slaat geen geheimen op waar ze verloren zouden gaan; zorg dat er een blijvende sleutelhanger (Secret Service) draait.',
  'secrets.storage_empty':
    'de verbindingsreeks voor de opslag is leeg; plak de verbindingsreeks of SAS-URL uit Azure Portal',
  'secrets.unavailable':
    'de sleutelhanger van het besturingssysteem is niet beschikbaar ({detail}). Op Linux heeft Docket een Secret Service nodig, zoals gnome-keyring, die in uw bureaubladsessie draait en ontgrendeld is; op Windows en macOS wordt de sleutelhanger van het systeem gebruikt.',
  'shell.task_stopped': 'een achtergrondtaak van de app is onverwacht gestopt; probeer het opnieuw, en meld het als het zich blijft voordoen',
  'signin.not_started': 'er is geen aanmelding bezig; kies opnieuw “Aanmelden met Microsoft…”',
};
