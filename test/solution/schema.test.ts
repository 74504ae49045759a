import { schema, navigationProperty, findColumn, tableByLogicalName } from '../../solution/src/schema';

describe('schema', () => {
  it('defines the six custom tables of DESIGN.md', () => {
    const custom = schema.tables.filter((t) => t.origin === 'custom').map((t) => t.logicalName);
    expect(custom).toEqual(['lex_matter', 'lex_timeentry', 'lex_trustsnapshot', 'lex_milestone', 'lex_migrationrun', 'lex_mappingprofile']);
  });

  it('derives navigation properties the way the Web API names them', () => {
    const matter = tableByLogicalName('lex_matter')!;
    expect(navigationProperty(findColumn(matter, 'lex_clientid')!, 'account')).toBe('lex_ClientId_account');
    expect(navigationProperty(findColumn(matter, 'lex_responsibleattorneyid')!, 'systemuser')).toBe('lex_ResponsibleAttorneyId');
    const contact = tableByLogicalName('contact')!;
    expect(navigationProperty(findColumn(contact, 'parentcustomerid')!, 'account')).toBe('parentcustomerid_account');
    const task = tableByLogicalName('task')!;
    expect(navigationProperty(findColumn(task, 'regardingobjectid')!, 'lex_matter')).toBe('regardingobjectid_lex_matter_task');
  });
});
