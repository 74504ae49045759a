/**
 * The review page: a model-driven-looking shell (app bar, tabs, lists, record pages) hosting the
 * three PCF controls' own React components over an Xrm.WebApi-shaped client. Nothing here is a
 * second implementation of a control: props are built exactly as each control's index.ts does.
 */
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import {
  Badge, Body1, Button, Card, FluentProvider, Link, Spinner, Tab, TabList, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title2, makeStyles, tokens, webLightTheme,
} from '@fluentui/react-components';
import { RecordDiff } from '../../../../pcf-controls/RecordDiff/RecordDiff';
import { MappingReview } from '../../../../pcf-controls/MappingReview/MappingReview';
import { RunMonitor } from '../../../../pcf-controls/RunMonitor/RunMonitor';
import { dataFromWebApi, type CurrentUser, type Row } from '../../../../pcf-controls/shared/data';
import { labelsFromResx } from '../../../../pcf-controls/shared/labels';
import { isMigrationAdmin } from '../../../../pcf-controls/shared/roles';
import { choiceLabel } from '../../../../pcf-controls/shared/run-summary';
import recordDiffResx from '../../../../pcf-controls/RecordDiff/strings/RecordDiff.1033.resx';
import mappingReviewResx from '../../../../pcf-controls/MappingReview/strings/MappingReview.1033.resx';
import runMonitorResx from '../../../../pcf-controls/RunMonitor/strings/RunMonitor.1033.resx';
import { fetchWebApi } from './web-api';

const data = dataFromWebApi(fetchWebApi());
const labels = { recordDiff: labelsFromResx(recordDiffResx), mappingReview: labelsFromResx(mappingReviewResx), runMonitor: labelsFromResx(runMonitorResx) };

type View = { kind: 'list'; tab: 'matters' | 'profiles' | 'runs' } | { kind: 'matter' | 'profile' | 'run'; id: string };

const useStyles = makeStyles({
  app: { minHeight: '100vh', backgroundColor: tokens.colorNeutralBackground2 },
  bar: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM, padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`, backgroundColor: tokens.colorBrandBackground, color: tokens.colorNeutralForegroundOnBrand },
  barTitle: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400 },
  grow: { flexGrow: 1 },
  main: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, maxWidth: '1200px' },
  card: { padding: tokens.spacingHorizontalL },
});

interface Session extends CurrentUser {
  isMigrationAdmin: boolean;
}

const MATTER = ['lex_matterid', 'lex_matternumber', 'lex_name', 'lex_diffstatus', 'lex_reviewstatus'];

function ListPage({ tab, open }: { tab: 'matters' | 'profiles' | 'runs'; open: (v: View) => void }) {
  const [rows, setRows] = React.useState<Row[]>();
  const [error, setError] = React.useState<string>();
  React.useEffect(() => {
    setRows(undefined);
    const load =
      tab === 'matters'
        ? data.list('lex_matter', { select: MATTER, orderBy: 'lex_matternumber', top: 200 })
        : tab === 'profiles'
          ? data.list('lex_mappingprofile', { select: ['lex_mappingprofileid', 'lex_name', 'lex_version', 'lex_profilestatus', 'lex_confirmedby'], orderBy: 'lex_version desc' })
          : data.list('lex_migrationrun', { select: ['lex_migrationrunid', 'lex_runkey', 'lex_mode', 'lex_runstatus', 'lex_startedon'], orderBy: 'lex_startedon desc' });
    load.then(setRows).catch((e: { message?: string }) => setError(e.message ?? String(e)));
  }, [tab]);
  if (error) return <Text role="alert">{error}</Text>;
  if (!rows) return <Spinner label="Loading…" />;
  const columns = tab === 'matters' ? ['Matter number', 'Name', 'Comparison', 'Review'] : tab === 'profiles' ? ['Profile', 'Version', 'Status', 'Confirmed by'] : ['Run', 'Mode', 'Status', 'Started'];
  const cells = (r: Row): [string, string, string, string, View] =>
    tab === 'matters'
      ? [String(r['lex_matternumber'] ?? ''), String(r['lex_name'] ?? ''), choiceLabel('lex_diffstatus', r['lex_diffstatus'] as number), choiceLabel('lex_reviewstatus', r['lex_reviewstatus'] as number) || 'Not Reviewed', { kind: 'matter', id: String(r['lex_matterid']) }]
      : tab === 'profiles'
        ? [String(r['lex_name'] ?? ''), String(r['lex_version'] ?? ''), choiceLabel('lex_profilestatus', r['lex_profilestatus'] as number), String(r['lex_confirmedby'] ?? ''), { kind: 'profile', id: String(r['lex_mappingprofileid']) }]
        : [String(r['lex_runkey'] ?? ''), choiceLabel('lex_runmode', r['lex_mode'] as number), choiceLabel('lex_runstatus', r['lex_runstatus'] as number), String(r['lex_startedon'] ?? '').slice(0, 16).replace('T', ' '), { kind: 'run', id: String(r['lex_migrationrunid']) }];
  return (
    <Table aria-label={tab === 'matters' ? 'Matters' : tab === 'profiles' ? 'Mapping profiles' : 'Migration runs'} size="small">
      <TableHeader>
        <TableRow>{columns.map((c) => <TableHeaderCell key={c}>{c}</TableHeaderCell>)}</TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((r) => {
          const [a, b, c, d, view] = cells(r);
          return (
            <TableRow key={'id' in view ? view.id : a}>
              <TableCell>
                <Link
                  href={'id' in view ? `#${view.kind}/${view.id}` : '#'}
                  onClick={(event) => {
                    event.preventDefault();
                    open(view);
                  }}
                >
                  {a}
                </Link>
              </TableCell>
              <TableCell>{b}</TableCell>
              <TableCell>{c === 'Differs' ? <Badge color="danger" appearance="tint">{c}</Badge> : c}</TableCell>
              <TableCell>{d}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

/** A record page: the row's name and the control, as the form shows it. */
function RecordPage({ view, user, back }: { view: Exclude<View, { kind: 'list' }>; user: Session; back: () => void }) {
  const styles = useStyles();
  const table = view.kind === 'matter' ? 'lex_matter' : view.kind === 'profile' ? 'lex_mappingprofile' : 'lex_migrationrun';
  const [row, setRow] = React.useState<Row>();
  React.useEffect(() => {
    data.retrieve(table, view.id).then(setRow).catch(() => setRow({}));
  }, [table, view.id]);
  if (!row) return <Spinner label="Loading…" />;
  return (
    <>
      <div>
        <Button appearance="subtle" onClick={back}>← Back to the list</Button>
      </div>
      <Title2 as="h1">{String(row['lex_name'] ?? row['lex_runkey'] ?? '')}</Title2>
      <Card className={styles.card}>
        {view.kind === 'matter' && <RecordDiff table="lex_matter" recordId={view.id} snapshot={(row['lex_sourcesnapshot'] as string | null) ?? null} data={data} user={user} label={labels.recordDiff} />}
        {view.kind === 'profile' && <MappingReview recordId={view.id} profileJson={(row['lex_profilejson'] as string | null) ?? null} data={data} user={user} label={labels.mappingReview} />}
        {view.kind === 'run' && <RunMonitor recordId={view.id} data={data} user={user} label={labels.runMonitor} />}
      </Card>
    </>
  );
}

function App() {
  const styles = useStyles();
  const [user, setUser] = React.useState<Session>();
  const [view, setView] = React.useState<View>({ kind: 'list', tab: 'matters' });
  const [lastTab, setLastTab] = React.useState<'matters' | 'profiles' | 'runs'>('matters');
  React.useEffect(() => {
    fetch(`/review/session${window.location.search}`)
      .then((r) => r.json() as Promise<Omit<Session, 'isMigrationAdmin' | 'roles'> & { roles: { id: string; name: string }[] }>)
      .then((u) => setUser({ ...u, roles: u.roles.map((r) => r.name), isMigrationAdmin: isMigrationAdmin(u.roles) }));
  }, []);
  const tab = view.kind === 'list' ? view.tab : lastTab;
  return (
    <FluentProvider theme={webLightTheme} className={styles.app}>
      <header className={styles.bar}>
        <span className={styles.barTitle}>Lexbridge</span>
        <Body1>Local review · sandbox</Body1>
        <span className={styles.grow} />
        {user && <Body1>{`${user.name} · ${user.roles.join(', ')}`}</Body1>}
      </header>
      <main className={styles.main}>
        <nav aria-label="Areas">
          <TabList selectedValue={tab} onTabSelect={(_, d) => { const t = d.value as typeof lastTab; setLastTab(t); setView({ kind: 'list', tab: t }); }}>
            <Tab value="matters">Matters</Tab>
            <Tab value="profiles">Mapping profiles</Tab>
            <Tab value="runs">Migration runs</Tab>
          </TabList>
        </nav>
        {!user ? <Spinner label="Signing in…" /> : view.kind === 'list' ? <ListPage tab={view.tab} open={setView} /> : <RecordPage key={view.id} view={view} user={user} back={() => setView({ kind: 'list', tab: lastTab })} />}
      </main>
    </FluentProvider>
  );
}

ReactDOM.render(<App />, document.getElementById('root'));
