<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <location filename="../app/salesflow/main.cpp" line="34"/>
        <location filename="../app/salesflow/main.cpp" line="41"/>
        <source>SalesFlow cannot start</source>
        <translation>SalesFlow kann nicht starten</translation>
    </message>
    <message>
        <location filename="../app/salesflow/main.cpp" line="35"/>
        <source>The configuration is not usable:

%1</source>
        <translation>Die Konfiguration ist nicht verwendbar:

%1</translation>
    </message>
    <message>
        <location filename="../app/salesflow/main.cpp" line="42"/>
        <source>The event store could not be opened:

%1</source>
        <translation>Der Ereignisspeicher konnte nicht geöffnet werden:

%1</translation>
    </message>
    <message>
        <location filename="../app/salesflow/main.cpp" line="53"/>
        <source>Could not add the sample events: %1</source>
        <translation>Die Beispielereignisse konnten nicht hinzugefügt werden: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../app/salesflow/main.cpp" line="55"/>
        <source>Added %n sample event(s) to the new store.</source>
        <translation>
            <numerusform>%n Beispielereignis zum neuen Speicher hinzugefügt.</numerusform>
            <numerusform>%n Beispielereignisse zum neuen Speicher hinzugefügt.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>salesflow::ui::AuditModel</name>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="48"/>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="49"/>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="50"/>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="51"/>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="52"/>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="53"/>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::EventDetailView</name>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="42"/>
        <source>Raw payload</source>
        <translation>Rohdaten</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="51"/>
        <source>Normalised</source>
        <translation>Normalisiert</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="53"/>
        <source>AI analysis</source>
        <translation>KI-Analyse</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="65"/>
        <source>Audit trail</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="67"/>
        <source>Stage</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="67"/>
        <location filename="../ui/views/eventdetailview.cpp" line="70"/>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="67"/>
        <source>Runs after</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="67"/>
        <source>Leased by</source>
        <translation>Belegt von</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="67"/>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="69"/>
        <source>Jobs</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="70"/>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="70"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="70"/>
        <source>HubSpot id</source>
        <translation>HubSpot-ID</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="70"/>
        <source>Last answer</source>
        <translation>Letzte Antwort</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="70"/>
        <source>Read back</source>
        <translation>Rückprüfung</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="70"/>
        <source>Note</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="72"/>
        <source>HubSpot</source>
        <translation>HubSpot</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="73"/>
        <location filename="../ui/views/eventdetailview.cpp" line="116"/>
        <source>Select an event to see its payload and audit trail.</source>
        <translation>Wählen Sie ein Ereignis, um Rohdaten und Prüfprotokoll zu sehen.</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="119"/>
        <source>Loading event %1…</source>
        <translation>Lade Ereignis %1…</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="124"/>
        <source>Could not load event %1: %2</source>
        <translation>Ereignis %1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="135"/>
        <source>%1 event — %2</source>
        <translation>%1-Ereignis — %2</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="136"/>
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
        <location filename="../ui/views/eventdetailview.cpp" line="140"/>
        <source>Failed in stage %1: %2</source>
        <translation>Fehlgeschlagen in Stufe %1: %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/views/eventdetailview.cpp" line="149"/>
        <source>Binary or non-UTF-8 payload, %n byte(s); hexadecimal:</source>
        <translation>
            <numerusform>Binäre oder nicht UTF-8-kodierte Daten, %n Byte; hexadezimal:</numerusform>
            <numerusform>Binäre oder nicht UTF-8-kodierte Daten, %n Bytes; hexadezimal:</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="159"/>
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
        <location filename="../ui/views/eventdetailview.cpp" line="162"/>
        <source>contact %1, company %2, deal %3</source>
        <translation>Kontakt %1, Firma %2, Deal %3</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="163"/>
        <source>unlinked — no usable email, domain or deal reference</source>
        <translation>nicht verknüpft — keine verwendbare E-Mail, Domain oder Deal-Referenz</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="166"/>
        <source>Not normalised: the %1 stage failed (see above).</source>
        <translation>Nicht normalisiert: Die Stufe %1 ist fehlgeschlagen (siehe oben).</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="167"/>
        <source>Not normalised yet.</source>
        <translation>Noch nicht normalisiert.</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="177"/>
        <source>(waiting)</source>
        <translation>(wartet)</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="180"/>
        <source>(no queued jobs)</source>
        <translation>(keine Aufträge in der Warteschlange)</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="190"/>
        <source>(nothing planned)</source>
        <translation>(nichts geplant)</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="197"/>
        <source>The enrich stage failed: %1</source>
        <translation>Die Anreicherung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="198"/>
        <source>Nothing to analyse: this event is CRM context only.</source>
        <translation>Nichts zu analysieren: Dieses Ereignis ist nur CRM-Kontext.</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="199"/>
        <source>Not analysed yet.</source>
        <translation>Noch nicht analysiert.</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="207"/>
        <source>unknown (no price for this model)</source>
        <translation>unbekannt (kein Preis für dieses Modell)</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="209"/>
        <source>By %1 / %2 with prompt %3 v%4 · %5 ms · tokens in %6 (cached %7), out %8 · cost %9 · calls %10, retries %11%12</source>
        <translation>Von %1 / %2 mit Prompt %3 v%4 · %5 ms · Tokens ein %6 (aus Cache %7), aus %8 · Kosten %9 · Aufrufe %10, Wiederholungen %11%12</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="219"/>
        <source> · request %1</source>
        <translation> · Anfrage %1</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="224"/>
        <source>Needs review (%1):</source>
        <translation>Muss geprüft werden (%1):</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="227"/>
        <source>high</source>
        <translation>hoch</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="228"/>
        <source>medium</source>
        <translation>mittel</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="229"/>
        <source>low</source>
        <translation>niedrig</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="230"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="233"/>
        <source>Intent: %1 · Lead quality: %2/100 · Lead score change: %3 · Confidence: %4</source>
        <translation>Kaufabsicht: %1 · Lead-Qualität: %2/100 · Änderung des Lead-Scores: %3 · Konfidenz: %4</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="239"/>
        <source>No objections found.</source>
        <translation>Keine Einwände gefunden.</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="244"/>
        <source>Objections</source>
        <translation>Einwände</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="246"/>
        <source>Next action:</source>
        <translation>Nächster Schritt:</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="248"/>
        <source>Follow-up email:</source>
        <translation>Follow-up-E-Mail:</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="250"/>
        <source>The model&apos;s answer (%1):</source>
        <translation>Antwort des Modells (%1):</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="256"/>
        <source>Corrected by validation</source>
        <translation>Bei der Prüfung korrigiert</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="263"/>
        <source>%1: %2 / %3, prompt v%4, %5</source>
        <translation>%1: %2 / %3, Prompt v%4, %5</translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="269"/>
        <source>Earlier analyses</source>
        <translation>Frühere Analysen</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::EventListModel</name>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="53"/>
        <source>Failed in %1: %2</source>
        <translation>Fehlgeschlagen in %1: %2</translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="75"/>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="76"/>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="77"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="78"/>
        <source>Event id</source>
        <translation>Ereignis-ID</translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="79"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="80"/>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
</context>
<context>
    <name>salesflow::ui::MainWindow</name>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="33"/>
        <source>SalesFlow — Events</source>
        <translation>SalesFlow — Ereignisse</translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="35"/>
        <source>Filters</source>
        <translation>Filter</translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="38"/>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="39"/>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="43"/>
        <source>Source:</source>
        <translation>Quelle:</translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="44"/>
        <source>All sources</source>
        <translation>Alle Quellen</translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="48"/>
        <source>Search id or dedup key (Ctrl+F)</source>
        <translation>ID oder Dedup-Schlüssel suchen (Strg+F)</translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="51"/>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="53"/>
        <source>Reload the events (F5)</source>
        <translation>Ereignisse neu laden (F5)</translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="95"/>
        <source>Could not load events: %1</source>
        <translation>Ereignisse konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="177"/>
        <source>New events arrived — press F5 to show them</source>
        <translation>Neue Ereignisse sind eingetroffen — F5 zeigt sie an</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/views/mainwindow.cpp" line="185"/>
        <source>%n event(s) shown, loading more…</source>
        <translation>
            <numerusform>%n Ereignis angezeigt, lade weitere…</numerusform>
            <numerusform>%n Ereignisse angezeigt, lade weitere…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/views/mainwindow.cpp" line="187"/>
        <source>%n event(s) shown, scroll for more</source>
        <translation>
            <numerusform>%n Ereignis angezeigt, für mehr scrollen</numerusform>
            <numerusform>%n Ereignisse angezeigt, für mehr scrollen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/views/mainwindow.cpp" line="189"/>
        <source>%n event(s)</source>
        <translation>
            <numerusform>%n Ereignis</numerusform>
            <numerusform>%n Ereignisse</numerusform>
        </translation>
    </message>
</context>
</TS>
