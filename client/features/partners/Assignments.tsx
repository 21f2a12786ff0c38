import { useState } from 'react';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import type { Proposal, UpdateSectionInput } from '../../../shared/schemas';
import { errorText } from '../../errors';
import { Flag } from './Flag';

/** Section owners and due dates; coordinators change them here. */
export function Assignments({ proposal, manage, onChanged }: { proposal: Proposal; manage: boolean; onChanged(): void }) {
  const i18n = useI18n();
  const { t, date } = i18n;
  const [error, setError] = useState<string | null>(null);
  const partners = new Map(proposal.partners.map((p) => [p.id, p]));

  async function change(sectionId: string, body: UpdateSectionInput) {
    setError(null);
    try {
      await api.updateSection(sectionId, body);
      onChanged();
    } catch (err) {
      setError(errorText(err, i18n));
    }
  }

  return (
    <section className="card partners-grid__wide" aria-labelledby="assign-heading">
      <h2 id="assign-heading">{t('partners.assignments')}</h2>
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      <table className="table" data-testid="assignments">
        <thead>
          <tr>
            <th scope="col">{t('partners.section')}</th>
            <th scope="col">{t('partners.owner')}</th>
            <th scope="col">{t('partners.dueDate')}</th>
          </tr>
        </thead>
        <tbody>
          {proposal.sections.map((s) => {
            const owner = partners.get(s.ownerPartnerId);
            return (
              <tr key={s.id} data-section={s.key}>
                <td>
                  {s.number} {s.title}
                </td>
                <td>
                  {manage ? (
                    <select aria-label={`${t('partners.owner')}: ${s.number} ${s.title}`} value={s.ownerPartnerId} onChange={(e) => void change(s.id, { ownerPartnerId: e.target.value })}>
                      {proposal.partners.map((p) => (
                        <option key={p.id} value={p.id}>
                          {p.name} ({p.country})
                        </option>
                      ))}
                    </select>
                  ) : (
                    <>
                      {owner && <Flag country={owner.country} />} {owner?.name}
                    </>
                  )}
                </td>
                <td>
                  {manage ? (
                    <input
                      type="date"
                      aria-label={`${t('partners.dueDate')}: ${s.number} ${s.title}`}
                      defaultValue={s.dueDate ?? ''}
                      onBlur={(e) => {
                        const v = e.currentTarget.value;
                        if (v !== (s.dueDate ?? '')) void change(s.id, { dueDate: v === '' ? null : v });
                      }}
                    />
                  ) : s.dueDate ? (
                    date(s.dueDate)
                  ) : (
                    t('common.none')
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
