/**
 * The loader's existence and state reads put READ_CHUNK ids in the URL: for every table the
 * loader reads, the longest such URL stays well under the 32 KB Dataverse accepts.
 */
import { tableDef } from '../../scripts/src/dataverse/client';
import { queryString } from '../../scripts/src/dataverse/web-api-client';
import { READ_CHUNK } from '../../scripts/src/pipeline/load';
import { selectFor, tableOf } from '../../scripts/src/pipeline/row-body';
import { schema } from '../../solution/src/schema';

describe('READ_CHUNK', () => {
  it('keeps every existence read under 24 KB (32 KB limit, with a margin for the host and path)', () => {
    const id = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
    const ids = Array.from({ length: READ_CHUNK }, () => `"${id}"`).join(',');
    const lengths = schema.tables.map((t) => {
      const table = tableOf(t.logicalName, schema);
      const filter = `Microsoft.Dynamics.CRM.In(PropertyName='${table.primaryIdColumn}',PropertyValues=[${ids}])`;
      return `https://contoso.crm.dynamics.com/api/data/v9.2/${tableDef(t.logicalName).entitySetName}${queryString({ select: selectFor(table), filter })}`.length;
    });
    expect(READ_CHUNK).toBeGreaterThanOrEqual(250);
    expect(Math.max(...lengths)).toBeLessThan(24 * 1024);
  });
});
