<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <location filename="../app/salesflow/main.cpp" line="33"/>
        <source>SalesFlow cannot start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/salesflow/main.cpp" line="34"/>
        <source>The event store could not be opened:

%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/salesflow/main.cpp" line="45"/>
        <source>Could not add the sample events: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/salesflow/main.cpp" line="47"/>
        <source>Added %n sample event(s) to the new store.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>salesflow::ui::AuditModel</name>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="48"/>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="49"/>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="50"/>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="51"/>
        <source>Before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="52"/>
        <source>After</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models/auditmodel.cpp" line="53"/>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>salesflow::ui::EventDetailView</name>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="39"/>
        <source>Raw payload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="45"/>
        <source>Audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="47"/>
        <source>Stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="47"/>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="47"/>
        <source>Runs after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="47"/>
        <source>Leased by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="47"/>
        <source>Last error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="49"/>
        <source>Jobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="50"/>
        <location filename="../ui/views/eventdetailview.cpp" line="71"/>
        <source>Select an event to see its payload and audit trail.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="74"/>
        <source>Loading event %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="79"/>
        <source>Could not load event %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="90"/>
        <source>%1 event — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="91"/>
        <source>Id: %1
Received: %2
Content type: %3 (%4)
Dedup key: %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="95"/>
        <source>Failed in stage %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/views/eventdetailview.cpp" line="104"/>
        <source>Binary or non-UTF-8 payload, %n byte(s); hexadecimal:</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="115"/>
        <source>(waiting)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/eventdetailview.cpp" line="118"/>
        <source>(no queued jobs)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>salesflow::ui::EventListModel</name>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="53"/>
        <source>Failed in %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="75"/>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="76"/>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="77"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="78"/>
        <source>Event id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="79"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/models/eventlistmodel.cpp" line="80"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>salesflow::ui::MainWindow</name>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="32"/>
        <source>SalesFlow — Events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="34"/>
        <source>Filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="37"/>
        <source>Status:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="38"/>
        <source>All statuses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="42"/>
        <source>Source:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="43"/>
        <source>All sources</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="47"/>
        <source>Search id or dedup key (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="50"/>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="52"/>
        <source>Reload the events (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/views/mainwindow.cpp" line="88"/>
        <source>Could not load events: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/views/mainwindow.cpp" line="151"/>
        <source>%n event(s) shown, loading more…</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/views/mainwindow.cpp" line="153"/>
        <source>%n event(s) shown, scroll for more</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/views/mainwindow.cpp" line="155"/>
        <source>%n event(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
</TS>
