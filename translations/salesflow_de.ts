<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Connection</name>
    <message>
        <source>SalesFlow cannot start</source>
        <translation>SalesFlow kann nicht starten</translation>
    </message>
    <message>
        <source>The configuration is not usable: %1</source>
        <translation>Die Konfiguration ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>This database is newer than this app: %1</source>
        <translation>Diese Datenbank ist neuer als diese App: %1</translation>
    </message>
    <message>
        <source>The event store could not be opened: %1</source>
        <translation>Der Ereignisspeicher konnte nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>SalesFlow cannot open its store.</source>
        <translation>SalesFlow kann seinen Speicher nicht öffnen.</translation>
    </message>
    <message>
        <source>Password of %1 on %2:</source>
        <translation>Passwort von %1 auf %2:</translation>
    </message>
    <message>
        <source>Log in to SalesFlow</source>
        <translation>Bei SalesFlow anmelden</translation>
    </message>
    <message>
        <source>SalesFlow cannot log in.</source>
        <translation>SalesFlow kann sich nicht anmelden.</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>Falscher Benutzername oder falsches Passwort.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted: %1</source>
        <translation>Dem Zertifikat des Servers wird nicht vertraut: %1</translation>
    </message>
    <message>
        <source>The server could not be reached: %1</source>
        <translation>Der Server ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>SalesFlow desktop: the review queue, prompts, replays and the audit.</source>
        <translation>SalesFlow Desktop: Prüfwarteschlange, Prompts, Wiederholungen und Prüfprotokoll.</translation>
    </message>
    <message>
        <source>Open this database in the app (sqlite:///path or postgresql://…).</source>
        <translation>Diese Datenbank in der App öffnen (sqlite:///pfad oder postgresql://…).</translation>
    </message>
    <message>
        <source>Attach to a salesflowd server (http(s)://host:port).</source>
        <translation>Mit einem salesflowd-Server verbinden (http(s)://host:port).</translation>
    </message>
    <message>
        <source>The user to log in as on the server.</source>
        <translation>Der Benutzer, als der man sich am Server anmeldet.</translation>
    </message>
    <message>
        <source>The server address is not usable:</source>
        <translation>Die Serveradresse ist nicht verwendbar:</translation>
    </message>
    <message>
        <source>give it as http://host:port or https://host:port</source>
        <translation>geben Sie sie als http://host:port oder https://host:port an</translation>
    </message>
    <message>
        <source>Who logs in?</source>
        <translation>Wer meldet sich an?</translation>
    </message>
    <message>
        <source>give the user name with --user NAME</source>
        <translation>geben Sie den Benutzernamen mit --user NAME an</translation>
    </message>
    <message>
        <source>Log in again</source>
        <translation>Erneut anmelden</translation>
    </message>
    <message>
        <source>Your session on %1 ended. Password of %2:</source>
        <translation>Ihre Sitzung auf %1 ist beendet. Passwort von %2:</translation>
    </message>
    <message>
        <source>Save a picture of each main view into DIR, then quit (make screenshots).</source>
        <translation>Ein Bild jeder Hauptansicht in DIR speichern, dann beenden (make screenshots).</translation>
    </message>
</context>
<context>
    <name>EventStory</name>
    <message>
        <source>Normalised as %1</source>
        <translation>Normalisiert als %1</translation>
    </message>
    <message>
        <source>contact</source>
        <translation>Kontakt</translation>
    </message>
    <message>
        <source>company</source>
        <translation>Firma</translation>
    </message>
    <message>
        <source>deal</source>
        <translation>Deal</translation>
    </message>
    <message>
        <source>From %1</source>
        <translation>Von %1</translation>
    </message>
    <message>
        <source>(%1)</source>
        <translation>(%1)</translation>
    </message>
    <message>
        <source> · not linked to the CRM</source>
        <translation> · nicht mit dem CRM verknüpft</translation>
    </message>
    <message>
        <source>Reviewer&apos;s version of the analysis</source>
        <translation>Fassung der Analyse durch die Prüfung</translation>
    </message>
    <message>
        <source>Analysed with prompt %1 v%2</source>
        <translation>Analysiert mit Prompt %1 v%2</translation>
    </message>
    <message>
        <source>cost unknown</source>
        <translation>Kosten unbekannt</translation>
    </message>
    <message>
        <source>intent %1 · confidence %2 · %3 ms · tokens in %4, out %5 · %6 · %7</source>
        <translation>Kaufabsicht %1 · Konfidenz %2 · %3 ms · Tokens ein %4, aus %5 · %6 · %7</translation>
    </message>
    <message>
        <source>To review: %1</source>
        <translation>Zu prüfen: %1</translation>
    </message>
    <message>
        <source> · HubSpot id %1</source>
        <translation> · HubSpot-ID %1</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>raw payload</source>
        <translation>Rohdaten</translation>
    </message>
    <message>
        <source>whole lineage as JSON</source>
        <translation>gesamter Verlauf als JSON</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Approved by the reviewer</source>
        <translation>Bei der Prüfung freigegeben</translation>
    </message>
    <message>
        <source>Rejected by the reviewer</source>
        <translation>Bei der Prüfung abgelehnt</translation>
    </message>
    <message>
        <source>Stopped in %1: %2</source>
        <translation>Angehalten in %1: %2</translation>
    </message>
</context>
<context>
    <name>Names</name>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Normalised</source>
        <translation>Normalisiert</translation>
    </message>
    <message>
        <source>Enriched</source>
        <translation>Angereichert</translation>
    </message>
    <message>
        <source>In review</source>
        <translation>In Prüfung</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Freigegeben</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Web form</source>
        <translation>Webformular</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Call transcript</source>
        <translation>Gesprächsprotokoll</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Product event</source>
        <translation>Produktereignis</translation>
    </message>
    <message>
        <source>HubSpot</source>
        <translation>HubSpot</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Mittel</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Could not add the sample events: %1</source>
        <translation>Die Beispielereignisse konnten nicht hinzugefügt werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>Added %n sample event(s) to the new store.</source>
        <translation>
            <numerusform>%n Beispielereignis zum neuen Speicher hinzugefügt.</numerusform>
            <numerusform>%n Beispielereignisse zum neuen Speicher hinzugefügt.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>salesflow::ui::AuditLogModel</name>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Approved in review</source>
        <translation>In der Prüfung freigegeben</translation>
    </message>
    <message>
        <source>Rejected in review</source>
        <translation>In der Prüfung abgelehnt</translation>
    </message>
    <message>
        <source>Prompt version created</source>
        <translation>Prompt-Version angelegt</translation>
    </message>
    <message>
        <source>Prompt version activated</source>
        <translation>Prompt-Version aktiviert</translation>
    </message>
    <message>
        <source>Prompt version tested</source>
        <translation>Prompt-Version getestet</translation>
    </message>
    <message>
        <source>Replay started</source>
        <translation>Wiederholung gestartet</translation>
    </message>
    <message>
        <source>Replay cancelled</source>
        <translation>Wiederholung abgebrochen</translation>
    </message>
    <message>
        <source>Replay finished</source>
        <translation>Wiederholung beendet</translation>
    </message>
    <message>
        <source>before/after recorded</source>
        <translation>vorher/nachher festgehalten</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>Claimed for review</source>
        <translation>Zur Prüfung reserviert</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::AuditModel</name>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::AuditView</name>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <source>Who (e.g. user:rita)</source>
        <translation>Wer (z. B. user:rita)</translation>
    </message>
    <message>
        <source>Event id</source>
        <translation>Ereignis-ID</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>Jede Aktion</translation>
    </message>
    <message>
        <source>Status changes</source>
        <translation>Statusänderungen</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Jederzeit</translation>
    </message>
    <message>
        <source>In the last hour</source>
        <translation>In der letzten Stunde</translation>
    </message>
    <message>
        <source>In the last 24 hours</source>
        <translation>In den letzten 24 Stunden</translation>
    </message>
    <message>
        <source>In the last 7 days</source>
        <translation>In den letzten 7 Tagen</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::ConnectDialog</name>
    <message>
        <source>This computer</source>
        <translation>Dieser Computer</translation>
    </message>
    <message>
        <source>&amp;This computer</source>
        <translation>&amp;Dieser Computer</translation>
    </message>
    <message>
        <source>Another &amp;database</source>
        <translation>Eine andere &amp;Datenbank</translation>
    </message>
    <message>
        <source>A &amp;server</source>
        <translation>Ein &amp;Server</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>The store in this computer&apos;s app-data folder (SQLite)</source>
        <translation>Der Speicher im App-Datenordner dieses Computers (SQLite)</translation>
    </message>
    <message>
        <source>sqlite:///path/to/file.db or postgresql://user@host:5432/salesflow</source>
        <translation>sqlite:///pfad/zur/datei.db oder postgresql://benutzer@host:5432/salesflow</translation>
    </message>
    <message>
        <source>https://salesflow.example.com:8765</source>
        <translation>https://salesflow.example.com:8765</translation>
    </message>
    <message>
        <source>Recent connections…</source>
        <translation>Letzte Verbindungen…</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>Datenbank:</translation>
    </message>
    <message>
        <source>Server &amp;URL:</source>
        <translation>Server-&amp;URL:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>SQLite database</source>
        <translation>SQLite-Datenbank</translation>
    </message>
    <message>
        <source>SQLite databases (*.db *.sqlite)</source>
        <translation>SQLite-Datenbanken (*.db *.sqlite)</translation>
    </message>
    <message>
        <source>Give the database as sqlite:///path/to/file.db or postgresql://user@host:port/name.</source>
        <translation>Geben Sie die Datenbank als sqlite:///pfad/zur/datei.db oder postgresql://benutzer@host:port/name an.</translation>
    </message>
    <message>
        <source>Give the server as http://host:port or https://host:port.</source>
        <translation>Geben Sie den Server als http://host:port oder https://host:port an.</translation>
    </message>
    <message>
        <source>Who logs in? Give the user name.</source>
        <translation>Wer meldet sich an? Geben Sie den Benutzernamen an.</translation>
    </message>
    <message>
        <source>Give the password.</source>
        <translation>Geben Sie das Passwort an.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::DashboardView</name>
    <message>
        <source>Events per hour, by source</source>
        <translation>Ereignisse pro Stunde, nach Quelle</translation>
    </message>
    <message>
        <source>Events by status</source>
        <translation>Ereignisse nach Status</translation>
    </message>
    <message>
        <source>Intent of the AI&apos;s answers</source>
        <translation>Kaufabsicht in den Antworten der KI</translation>
    </message>
    <message>
        <source>Review decisions per day</source>
        <translation>Prüfentscheidungen pro Tag</translation>
    </message>
    <message>
        <source>AI confidence vs reviewer verdict</source>
        <translation>KI-Konfidenz und Urteil der Prüfung</translation>
    </message>
    <message>
        <source>LLM tokens per day</source>
        <translation>LLM-Tokens pro Tag</translation>
    </message>
    <message>
        <source>HubSpot calls per day</source>
        <translation>HubSpot-Aufrufe pro Tag</translation>
    </message>
    <message>
        <source>The dashboard could not be loaded: %1</source>
        <translation>Das Dashboard konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>freigegeben</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>approved unchanged</source>
        <translation>unverändert freigegeben</translation>
    </message>
    <message>
        <source>approved with edits</source>
        <translation>mit Änderungen freigegeben</translation>
    </message>
    <message>
        <source>input</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <source>output</source>
        <translation>Ausgabe</translation>
    </message>
    <message>
        <source>calls</source>
        <translation>Aufrufe</translation>
    </message>
    <message>
        <source>Since %1: review queue %2 · LLM cost %3 USD · HubSpot calls today %4 of %5 (%6 left)</source>
        <translation>Seit %1: Prüfwarteschlange %2 · LLM-Kosten %3 USD · HubSpot-Aufrufe heute %4 von %5 (%6 übrig)</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::EventDetailView</name>
    <message>
        <source>Raw payload</source>
        <translation>Rohdaten</translation>
    </message>
    <message>
        <source>Normalised</source>
        <translation>Normalisiert</translation>
    </message>
    <message>
        <source>AI analysis</source>
        <translation>KI-Analyse</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Runs after</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Leased by</source>
        <translation>Belegt von</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>HubSpot id</source>
        <translation>HubSpot-ID</translation>
    </message>
    <message>
        <source>Last answer</source>
        <translation>Letzte Antwort</translation>
    </message>
    <message>
        <source>Read back</source>
        <translation>Rückprüfung</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>HubSpot</source>
        <translation>HubSpot</translation>
    </message>
    <message>
        <source>Select an event to see its payload and audit trail.</source>
        <translation>Wählen Sie ein Ereignis, um Rohdaten und Prüfprotokoll zu sehen.</translation>
    </message>
    <message>
        <source>Loading event %1…</source>
        <translation>Lade Ereignis %1…</translation>
    </message>
    <message>
        <source>Could not load event %1: %2</source>
        <translation>Ereignis %1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>Id: %1
Received: %2
Content type: %3 (%4)
Dedup key: %5</source>
        <translation>ID: %1
Empfangen: %2
Inhaltstyp: %3 (%4)
Dedup-Schlüssel: %5</translation>
    </message>
    <message>
        <source>Failed in stage %1: %2</source>
        <translation>Fehlgeschlagen in Stufe %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>Binary or non-UTF-8 payload, %n byte(s); hexadecimal:</source>
        <translation>
            <numerusform>Binäre oder nicht UTF-8-kodierte Daten, %n Byte; hexadezimal:</numerusform>
            <numerusform>Binäre oder nicht UTF-8-kodierte Daten, %n Bytes; hexadezimal:</numerusform>
        </translation>
    </message>
    <message>
        <source>Kind: %1
Occurred: %2
Who: %3
Company: %4
Subject: %5
Linked: %6</source>
        <translation>Art: %1
Zeitpunkt: %2
Wer: %3
Firma: %4
Betreff: %5
Verknüpft: %6</translation>
    </message>
    <message>
        <source>contact %1, company %2, deal %3</source>
        <translation>Kontakt %1, Firma %2, Deal %3</translation>
    </message>
    <message>
        <source>unlinked — no usable email, domain or deal reference</source>
        <translation>nicht verknüpft — keine verwendbare E-Mail, Domain oder Deal-Referenz</translation>
    </message>
    <message>
        <source>Not normalised: the %1 stage failed (see above).</source>
        <translation>Nicht normalisiert: Die Stufe %1 ist fehlgeschlagen (siehe oben).</translation>
    </message>
    <message>
        <source>Not normalised yet.</source>
        <translation>Noch nicht normalisiert.</translation>
    </message>
    <message>
        <source>(waiting)</source>
        <translation>(wartet)</translation>
    </message>
    <message>
        <source>(no queued jobs)</source>
        <translation>(keine Aufträge in der Warteschlange)</translation>
    </message>
    <message>
        <source>(nothing planned)</source>
        <translation>(nichts geplant)</translation>
    </message>
    <message>
        <source>The enrich stage failed: %1</source>
        <translation>Die Anreicherung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Nothing to analyse: this event is CRM context only.</source>
        <translation>Nichts zu analysieren: Dieses Ereignis ist nur CRM-Kontext.</translation>
    </message>
    <message>
        <source>Not analysed yet.</source>
        <translation>Noch nicht analysiert.</translation>
    </message>
    <message>
        <source>unknown (no price for this model)</source>
        <translation>unbekannt (kein Preis für dieses Modell)</translation>
    </message>
    <message>
        <source>By %1 / %2 with prompt %3 v%4 · %5 ms · tokens in %6 (cached %7), out %8 · cost %9 · calls %10, retries %11%12</source>
        <translation>Von %1 / %2 mit Prompt %3 v%4 · %5 ms · Tokens ein %6 (aus Cache %7), aus %8 · Kosten %9 · Aufrufe %10, Wiederholungen %11%12</translation>
    </message>
    <message>
        <source> · request %1</source>
        <translation> · Anfrage %1</translation>
    </message>
    <message>
        <source>Needs review (%1):</source>
        <translation>Muss geprüft werden (%1):</translation>
    </message>
    <message>
        <source>high</source>
        <translation>hoch</translation>
    </message>
    <message>
        <source>medium</source>
        <translation>mittel</translation>
    </message>
    <message>
        <source>low</source>
        <translation>niedrig</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Intent: %1 · Lead quality: %2/100 · Lead score change: %3 · Confidence: %4</source>
        <translation>Kaufabsicht: %1 · Lead-Qualität: %2/100 · Änderung des Lead-Scores: %3 · Konfidenz: %4</translation>
    </message>
    <message>
        <source>No objections found.</source>
        <translation>Keine Einwände gefunden.</translation>
    </message>
    <message>
        <source>Objections</source>
        <translation>Einwände</translation>
    </message>
    <message>
        <source>Next action:</source>
        <translation>Nächster Schritt:</translation>
    </message>
    <message>
        <source>Follow-up email:</source>
        <translation>Follow-up-E-Mail:</translation>
    </message>
    <message>
        <source>The model&apos;s answer (%1):</source>
        <translation>Antwort des Modells (%1):</translation>
    </message>
    <message>
        <source>Corrected by validation</source>
        <translation>Bei der Prüfung korrigiert</translation>
    </message>
    <message>
        <source>%1: %2 / %3, prompt v%4, %5</source>
        <translation>%1: %2 / %3, Prompt v%4, %5</translation>
    </message>
    <message>
        <source>Earlier analyses</source>
        <translation>Frühere Analysen</translation>
    </message>
    <message>
        <source>Story</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::EventListModel</name>
    <message>
        <source>Failed in %1: %2</source>
        <translation>Fehlgeschlagen in %1: %2</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Event %1, %2</source>
        <translation>Ereignis %1, %2</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>Kontakt</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>Firma</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Betreff</translation>
    </message>
    <message>
        <source>Intent</source>
        <translation>Kaufabsicht</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>Konfidenz</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::MainWindow</name>
    <message>
        <source>Filters</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>Quelle:</translation>
    </message>
    <message>
        <source>All sources</source>
        <translation>Alle Quellen</translation>
    </message>
    <message>
        <source>Could not load events: %1</source>
        <translation>Ereignisse konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>New events arrived — press F5 to show them</source>
        <translation>Neue Ereignisse sind eingetroffen — F5 zeigt sie an</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) shown, loading more…</source>
        <translation>
            <numerusform>%n Ereignis angezeigt, lade weitere…</numerusform>
            <numerusform>%n Ereignisse angezeigt, lade weitere…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) shown, scroll for more</source>
        <translation>
            <numerusform>%n Ereignis angezeigt, für mehr scrollen</numerusform>
            <numerusform>%n Ereignisse angezeigt, für mehr scrollen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s)</source>
        <translation>
            <numerusform>%n Ereignis</numerusform>
            <numerusform>%n Ereignisse</numerusform>
        </translation>
    </message>
    <message>
        <source>SalesFlow</source>
        <translation>SalesFlow</translation>
    </message>
    <message>
        <source>Received:</source>
        <translation>Empfangen:</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Jederzeit</translation>
    </message>
    <message>
        <source>In the last hour</source>
        <translation>In der letzten Stunde</translation>
    </message>
    <message>
        <source>In the last 24 hours</source>
        <translation>In den letzten 24 Stunden</translation>
    </message>
    <message numerus="yes">
        <source>In the last %n day(s)</source>
        <translation>
            <numerusform>Am letzten %n Tag</numerusform>
            <numerusform>In den letzten %n Tagen</numerusform>
        </translation>
    </message>
    <message>
        <source>Search subject, text, contact, company (Ctrl+F)</source>
        <translation>Betreff, Text, Kontakt, Firma durchsuchen (Strg+F)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>&amp;Verbinden…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Events</source>
        <translation>&amp;Ereignisse</translation>
    </message>
    <message>
        <source>&amp;Review</source>
        <translation>&amp;Prüfung</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>Neu &amp;laden</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>Decided: %1</source>
        <translation>Entschieden: %1</translation>
    </message>
    <message>
        <source>Offline — reconnecting…</source>
        <translation>Offline — verbinde erneut…</translation>
    </message>
    <message>
        <source>Connected again</source>
        <translation>Wieder verbunden</translation>
    </message>
    <message>
        <source>SalesFlow — %1</source>
        <translation>SalesFlow — %1</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>&amp;Audit</source>
        <translation>&amp;Prüfprotokoll</translation>
    </message>
    <message>
        <source>&amp;Prompts</source>
        <translation>&amp;Prompts</translation>
    </message>
    <message>
        <source>Re&amp;plays</source>
        <translation>&amp;Wiederholungen</translation>
    </message>
    <message>
        <source>Replay this event…</source>
        <translation>Dieses Ereignis wiederholen…</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Users and tokens…</source>
        <translation>&amp;Benutzer und Tokens…</translation>
    </message>
    <message>
        <source>Only admins manage users and tokens.</source>
        <translation>Nur Admins verwalten Benutzer und Tokens.</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>&amp;Dashboard</translation>
    </message>
    <message>
        <source>Test the selected prompt version on this event…</source>
        <translation>Die gewählte Prompt-Version an diesem Ereignis testen…</translation>
    </message>
    <message>
        <source>Test the selected prompt version on the first 20 events of this list…</source>
        <translation>Die gewählte Prompt-Version an den ersten 20 Ereignissen dieser Liste testen …</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::PromptView</name>
    <message>
        <source>&lt;i&gt;No usable answer (%1)&lt;/i&gt;</source>
        <translation>&lt;i&gt;Keine verwendbare Antwort (%1)&lt;/i&gt;</translation>
    </message>
    <message numerus="yes">
        <source>intent %1 · quality %2 · confidence %3 · %n HubSpot action(s)</source>
        <translation>
            <numerusform>Kaufabsicht %1 · Qualität %2 · Konfidenz %3 · %n HubSpot-Aktion</numerusform>
            <numerusform>Kaufabsicht %1 · Qualität %2 · Konfidenz %3 · %n HubSpot-Aktionen</numerusform>
        </translation>
    </message>
    <message>
        <source>to review: %1</source>
        <translation>zu prüfen: %1</translation>
    </message>
    <message>
        <source>&amp;Activate…</source>
        <translation>&amp;Aktivieren…</translation>
    </message>
    <message>
        <source>&amp;Save as new version</source>
        <translation>Als neue Version &amp;speichern</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Autor</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>Make the selected version the one the pipeline uses</source>
        <translation>Die gewählte Version für die Pipeline verwenden</translation>
    </message>
    <message>
        <source>Only admins can activate a prompt version; you are %1.</source>
        <translation>Nur Admins können eine Prompt-Version aktivieren; Sie sind %1.</translation>
    </message>
    <message>
        <source>Only admins can create prompt versions.</source>
        <translation>Nur Admins können Prompt-Versionen anlegen.</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Vergleichen</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Testen</translation>
    </message>
    <message>
        <source>What changed and why (kept with the version)</source>
        <translation>Was sich geändert hat und warum (wird mit der Version gespeichert)</translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation>&amp;Vorlage:</translation>
    </message>
    <message>
        <source>Se&amp;ttings (JSON):</source>
        <translation>&amp;Einstellungen (JSON):</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notizen:</translation>
    </message>
    <message>
        <source>Problems:</source>
        <translation>Probleme:</translation>
    </message>
    <message>
        <source>Compare version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>with</source>
        <translation>vergleichen mit</translation>
    </message>
    <message>
        <source>any source</source>
        <translation>jeder Quelle</translation>
    </message>
    <message>
        <source>&amp;Test on events</source>
        <translation>An Ereignissen &amp;testen</translation>
    </message>
    <message>
        <source>Runs the selected version and the active one on the newest events, changing nothing</source>
        <translation>Führt die gewählte und die aktive Version an den neuesten Ereignissen aus, ohne etwas zu ändern</translation>
    </message>
    <message>
        <source>The newest</source>
        <translation>Die neuesten</translation>
    </message>
    <message>
        <source>events of</source>
        <translation>Ereignisse aus</translation>
    </message>
    <message>
        <source>The prompts could not be loaded: %1</source>
        <translation>Die Prompts konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>The prompt could not be loaded: %1</source>
        <translation>Der Prompt konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>v%1</source>
        <translation>v%1</translation>
    </message>
    <message>
        <source>The settings are not a JSON object: %1</source>
        <translation>Die Einstellungen sind kein JSON-Objekt: %1</translation>
    </message>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation>Zeile %1, Spalte %2: %3</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Saved as version %1 (not active yet).</source>
        <translation>Als Version %1 gespeichert (noch nicht aktiv).</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Make version %1 of %2 the one the pipeline uses from now on?</source>
        <translation>Version %1 von %2 ab jetzt in der Pipeline verwenden?</translation>
    </message>
    <message>
        <source>Not activated: %1</source>
        <translation>Nicht aktiviert: %1</translation>
    </message>
    <message>
        <source>Version %1 is active.</source>
        <translation>Version %1 ist aktiv.</translation>
    </message>
    <message>
        <source>&lt;i&gt;Testing…&lt;/i&gt;</source>
        <translation>&lt;i&gt;Teste…&lt;/i&gt;</translation>
    </message>
    <message>
        <source>The events could not be listed: %1</source>
        <translation>Die Ereignisse konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>The test did not run: %1</source>
        <translation>Der Test lief nicht: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s); tokens in %1, out %2; cost %3</source>
        <translation>
            <numerusform>%n Ereignis; Tokens ein %1, aus %2; Kosten %3</numerusform>
            <numerusform>%n Ereignisse; Tokens ein %1, aus %2; Kosten %3</numerusform>
        </translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Active v%1</source>
        <translation>Aktiv v%1</translation>
    </message>
    <message>
        <source>Tested v%1</source>
        <translation>Getestet v%1</translation>
    </message>
    <message>
        <source>would plan: %1</source>
        <translation>würde planen: %1</translation>
    </message>
    <message>
        <source>No event matches the filter: nothing to test on</source>
        <translation>Kein Ereignis passt zum Filter: nichts zum Testen</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::QueueModel</name>
    <message>
        <source>All events</source>
        <translation>Alle Ereignisse</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::ReplayView</name>
    <message>
        <source>&amp;Dry run</source>
        <translation>&amp;Probelauf</translation>
    </message>
    <message>
        <source>&amp;Run…</source>
        <translation>&amp;Ausführen…</translation>
    </message>
    <message>
        <source>Only events that change</source>
        <translation>Nur Ereignisse mit Änderungen</translation>
    </message>
    <message>
        <source>&amp;Cancel replay</source>
        <translation>Wiederholung &amp;abbrechen</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Ab</translation>
    </message>
    <message>
        <source>What changes</source>
        <translation>Was sich ändert</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Only admins can replay events; you are %1.</source>
        <translation>Nur Admins können Ereignisse wiederholen; Sie sind %1.</translation>
    </message>
    <message>
        <source>Cancelled after the batch in hand.</source>
        <translation>Nach dem laufenden Stapel abgebrochen.</translation>
    </message>
    <message>
        <source>Not cancelled: %1</source>
        <translation>Nicht abgebrochen: %1</translation>
    </message>
    <message>
        <source>any status</source>
        <translation>jeder Status</translation>
    </message>
    <message>
        <source>any source</source>
        <translation>jede Quelle</translation>
    </message>
    <message>
        <source>any time</source>
        <translation>jederzeit</translation>
    </message>
    <message>
        <source>the last hour</source>
        <translation>die letzte Stunde</translation>
    </message>
    <message>
        <source>the last 24 hours</source>
        <translation>die letzten 24 Stunden</translation>
    </message>
    <message>
        <source>the last 7 days</source>
        <translation>die letzten 7 Tage</translation>
    </message>
    <message>
        <source>where each failed (else normalise)</source>
        <translation>wo jedes fehlschlug (sonst normalise)</translation>
    </message>
    <message>
        <source>the active version</source>
        <translation>die aktive Version</translation>
    </message>
    <message>
        <source>Events:</source>
        <translation>Ereignisse:</translation>
    </message>
    <message>
        <source>Filter:</source>
        <translation>Filter:</translation>
    </message>
    <message>
        <source>From stage:</source>
        <translation>Ab Stufe:</translation>
    </message>
    <message>
        <source>Prompt version:</source>
        <translation>Prompt-Version:</translation>
    </message>
    <message>
        <source>those matching the filter below</source>
        <translation>die zum Filter unten passen</translation>
    </message>
    <message numerus="yes">
        <source>the %n selected event(s)</source>
        <translation>
            <numerusform>das %n ausgewählte Ereignis</numerusform>
            <numerusform>die %n ausgewählten Ereignisse</numerusform>
        </translation>
    </message>
    <message>
        <source>Not started: %1</source>
        <translation>Nicht gestartet: %1</translation>
    </message>
    <message numerus="yes">
        <source>Dry run of %n event(s) started; nothing will change.</source>
        <translation>
            <numerusform>Probelauf für %n Ereignis gestartet; nichts wird geändert.</numerusform>
            <numerusform>Probelauf für %n Ereignisse gestartet; nichts wird geändert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Replay of %n event(s) started.</source>
        <translation>
            <numerusform>Wiederholung von %n Ereignis gestartet.</numerusform>
            <numerusform>Wiederholung von %n Ereignissen gestartet.</numerusform>
        </translation>
    </message>
    <message>
        <source>The replays could not be loaded: %1</source>
        <translation>Die Wiederholungen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>dry run</source>
        <translation>Probelauf</translation>
    </message>
    <message>
        <source>replay</source>
        <translation>Wiederholung</translation>
    </message>
    <message>
        <source>The replay could not be read: %1</source>
        <translation>Die Wiederholung konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1: %2 of %3, %4 changed, %5 failed</source>
        <translation>%1: %2 von %3, %4 geändert, %5 fehlgeschlagen</translation>
    </message>
    <message>
        <source>Use the filter instead</source>
        <translation>Stattdessen den Filter verwenden</translation>
    </message>
    <message>
        <source>Run the replay</source>
        <translation>Wiederholung ausführen</translation>
    </message>
    <message>
        <source>Replay %1 for real? Planned HubSpot changes will be written.</source>
        <translation>%1 wirklich wiederholen? Geplante HubSpot-Änderungen werden geschrieben.</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::ReviewForm</name>
    <message>
        <source>Objection</source>
        <translation>Einwand</translation>
    </message>
    <message>
        <source>Evidence (a quote from the text)</source>
        <translation>Beleg (ein Zitat aus dem Text)</translation>
    </message>
    <message>
        <source>Add objection</source>
        <translation>Einwand hinzufügen</translation>
    </message>
    <message>
        <source>Remove objection</source>
        <translation>Einwand entfernen</translation>
    </message>
    <message>
        <source>&amp;Summary:</source>
        <translation>&amp;Zusammenfassung:</translation>
    </message>
    <message>
        <source>&amp;Intent:</source>
        <translation>&amp;Kaufabsicht:</translation>
    </message>
    <message>
        <source>Lead &amp;quality:</source>
        <translation>Lead-&amp;Qualität:</translation>
    </message>
    <message>
        <source>Objections:</source>
        <translation>Einwände:</translation>
    </message>
    <message>
        <source>&amp;Next action:</source>
        <translation>&amp;Nächster Schritt:</translation>
    </message>
    <message>
        <source>Follow-up s&amp;ubject:</source>
        <translation>Follow-up-&amp;Betreff:</translation>
    </message>
    <message>
        <source>Follow-up &amp;body:</source>
        <translation>Follow-up-&amp;Text:</translation>
    </message>
    <message>
        <source>Score &amp;change:</source>
        <translation>Score-Ä&amp;nderung:</translation>
    </message>
    <message>
        <source>Objection %1: its evidence is not a quote from the event text.</source>
        <translation>Einwand %1: Der Beleg ist kein Zitat aus dem Ereignistext.</translation>
    </message>
    <message>
        <source>Not a quote from the event text: the engine will refuse it.</source>
        <translation>Kein Zitat aus dem Ereignistext: Die Engine wird es ablehnen.</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::ReviewQueueModel</name>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Held by %1 until %2</source>
        <translation>Reserviert von %1 bis %2</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::ReviewView</name>
    <message>
        <source> — &lt;span style=&apos;color:#b26a00&apos;&gt;changed by your edits&lt;/span&gt;</source>
        <translation> — &lt;span style=&apos;color:#b26a00&apos;&gt;durch Ihre Änderungen geändert&lt;/span&gt;</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Freigeben</translation>
    </message>
    <message>
        <source>&amp;Reject…</source>
        <translation>&amp;Ablehnen…</translation>
    </message>
    <message>
        <source>The review queue could not be loaded: %1</source>
        <translation>Die Prüfwarteschlange konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Comment for the audit (optional when approving)</source>
        <translation>Kommentar für das Prüfprotokoll (beim Freigeben optional)</translation>
    </message>
    <message>
        <source>What approving will write to HubSpot:</source>
        <translation>Was die Freigabe in HubSpot schreibt:</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Vorheriges</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Nächstes</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>Überspringen</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>Ablehnen…</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Freigeben</translation>
    </message>
    <message>
        <source>Nothing waits for review.</source>
        <translation>Nichts wartet auf Prüfung.</translation>
    </message>
    <message>
        <source>Item %1 of %2</source>
        <translation>Eintrag %1 von %2</translation>
    </message>
    <message>
        <source>In review because: %1</source>
        <translation>In Prüfung, weil: %1</translation>
    </message>
    <message>
        <source>Claiming…</source>
        <translation>Reserviere…</translation>
    </message>
    <message>
        <source>The event could not be loaded: %1</source>
        <translation>Das Ereignis konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>You hold this item until %1.</source>
        <translation>Sie haben diesen Eintrag bis %1 reserviert.</translation>
    </message>
    <message>
        <source>Someone else is deciding this item: %1. Press Ctrl+J for the next one.</source>
        <translation>Jemand anderes entscheidet diesen Eintrag: %1. Strg+J öffnet den nächsten.</translation>
    </message>
    <message>
        <source>This item could not be claimed: %1</source>
        <translation>Dieser Eintrag konnte nicht reserviert werden: %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; from %2 %3 · %4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; von %2 %3 · %4</translation>
    </message>
    <message>
        <source>This event has no analysis to review.</source>
        <translation>Dieses Ereignis hat keine Analyse zu prüfen.</translation>
    </message>
    <message>
        <source>&lt;i&gt;Nothing can be planned with these edits.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Mit diesen Änderungen lässt sich nichts planen.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>&lt;i&gt;Approving writes nothing to HubSpot.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Die Freigabe schreibt nichts in HubSpot.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Why is this rejected? (goes into the audit)</source>
        <translation>Warum wird abgelehnt? (kommt ins Prüfprotokoll)</translation>
    </message>
    <message>
        <source>A rejection needs a comment saying why.</source>
        <translation>Eine Ablehnung braucht einen Kommentar mit dem Grund.</translation>
    </message>
    <message>
        <source>Not decided: %1</source>
        <translation>Nicht entschieden: %1</translation>
    </message>
    <message>
        <source>Approve (%1) — first fix what is flagged below</source>
        <translation>Freigeben (%1) — zuerst das unten Markierte beheben</translation>
    </message>
    <message>
        <source>Approve (%1)</source>
        <translation>Freigeben (%1)</translation>
    </message>
    <message>
        <source>Not rejected: another item is open now.</source>
        <translation>Nicht abgelehnt: Inzwischen ist ein anderer Eintrag geöffnet.</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::TrustDialog</name>
    <message>
        <source>Certificate not trusted</source>
        <translation>Zertifikat nicht vertrauenswürdig</translation>
    </message>
    <message>
        <source>The server %1 presented a certificate this computer does not trust. Trust it only if its fingerprint is the one your server&apos;s operator gave you.

Issued to: %2
Issued by: %3
Valid: %4 to %5
SHA-256 fingerprint:
%6</source>
        <translation>Der Server %1 hat ein Zertifikat vorgelegt, dem dieser Computer nicht vertraut. Vertrauen Sie ihm nur, wenn sein Fingerabdruck der ist, den Ihnen die Betreiber des Servers genannt haben.

Ausgestellt für: %2
Ausgestellt von: %3
Gültig: %4 bis %5
SHA-256-Fingerabdruck:
%6</translation>
    </message>
    <message>
        <source>&amp;Trust this certificate for %1</source>
        <translation>Diesem Zertifikat für %1 &amp;vertrauen</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::UsersDialog</name>
    <message>
        <source>Users and tokens</source>
        <translation>Benutzer und Tokens</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Seit</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>&amp;Deaktivieren</translation>
    </message>
    <message>
        <source>Reset &amp;password…</source>
        <translation>&amp;Passwort zurücksetzen…</translation>
    </message>
    <message>
        <source>&amp;Create…</source>
        <translation>&amp;Anlegen…</translation>
    </message>
    <message>
        <source>&amp;Revoke</source>
        <translation>&amp;Widerrufen</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>API tokens</source>
        <translation>API-Tokens</translation>
    </message>
    <message>
        <source>The users could not be loaded: %1</source>
        <translation>Die Benutzer konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>The tokens could not be loaded: %1</source>
        <translation>Die Tokens konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Not done: %1</source>
        <translation>Nicht ausgeführt: %1</translation>
    </message>
    <message>
        <source>%1 can log in now.</source>
        <translation>%1 kann sich jetzt anmelden.</translation>
    </message>
    <message>
        <source>%1 is disabled; their sessions have ended.</source>
        <translation>%1 ist deaktiviert; die Sitzungen sind beendet.</translation>
    </message>
    <message>
        <source>Token %1 created.</source>
        <translation>Token %1 angelegt.</translation>
    </message>
    <message>
        <source>Token %1 revoked.</source>
        <translation>Token %1 widerrufen.</translation>
    </message>
    <message>
        <source>Add a user</source>
        <translation>Benutzer hinzufügen</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>Rolle:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>Again:</source>
        <translation>Wiederholen:</translation>
    </message>
    <message>
        <source>The two passwords differ; nothing was changed.</source>
        <translation>Die beiden Passwörter unterscheiden sich; nichts wurde geändert.</translation>
    </message>
    <message>
        <source>New password for %1</source>
        <translation>Neues Passwort für %1</translation>
    </message>
    <message>
        <source>The password of %1 is changed; their sessions have ended.</source>
        <translation>Das Passwort von %1 ist geändert; die Sitzungen sind beendet.</translation>
    </message>
    <message>
        <source>Create an API token</source>
        <translation>API-Token anlegen</translation>
    </message>
    <message>
        <source>Token %1</source>
        <translation>Token %1</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>This is the only time the token is shown. Copy it now.</source>
        <translation>Das Token wird nur dieses eine Mal angezeigt. Kopieren Sie es jetzt.</translation>
    </message>
</context>
</TS>
