import { useId } from 'react';
import { useI18n } from '../../i18n';
import { partnerInputSchema, partnerKindSchema, updatePartnerSchema, type Partner, type PartnerInput, type UpdatePartnerInput } from '../../../shared/schemas';
import { Field } from '../forms/Field';
import { useSchemaForm } from '../forms/use-schema-form';
import { CountryPicker } from './CountryPicker';

/** The partner's fields read from a form: the country is the picker's chosen code, or empty. */
function readPartner(data: FormData) {
  const s = (k: string) => String(data.get(k) ?? '');
  return { name: s('name'), town: s('town'), country: s('country'), kind: s('kind') };
}

function PartnerFields({ errors, partner }: { errors: Partial<Record<string, string>>; partner?: Partner }) {
  const { t } = useI18n();
  const kindId = useId();
  return (
    <>
      <Field name="name" label={t('proposals.partnerName')} error={errors.name} defaultValue={partner?.name} required />
      <Field name="town" label={t('proposals.town')} error={errors.town} defaultValue={partner?.town} required />
      <CountryPicker name="country" label={t('country.label')} error={errors.country} defaultValue={partner?.country} required />
      <div className="field">
        <label htmlFor={kindId}>{t('partners.kind')}</label>
        <select id={kindId} name="kind" defaultValue={partner?.kind ?? 'municipality'}>
          {partnerKindSchema.options.map((k) => (
            <option key={k} value={k}>
              {t(`partnerKind.${k}`)}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}

/** Adds a partner organisation (coordinators). */
export function AddPartnerForm({ onAdd }: { onAdd(value: PartnerInput): Promise<void> }) {
  const { t } = useI18n();
  const { errors, formError, busy, submit } = useSchemaForm(partnerInputSchema, {
    read: readPartner,
    async send(value, form) {
      await onAdd(value);
      form.reset();
    },
    overrides: { country: t('country.pick') },
  });
  return (
    <form className="form form--inline" onSubmit={submit} noValidate aria-label={t('partners.add')} data-testid="add-partner">
      <PartnerFields errors={errors} />
      {formError && (
        <p className="form__error" role="alert">
          {formError}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={busy}>
        {t('partners.add')}
      </button>
    </form>
  );
}

/** Edits a partner in place: name, town, country and kind (coordinators). */
export function EditPartnerForm({ partner, onSave, onCancel }: { partner: Partner; onSave(value: UpdatePartnerInput): Promise<void>; onCancel(): void }) {
  const { t } = useI18n();
  const { errors, formError, busy, submit } = useSchemaForm(updatePartnerSchema, {
    read: readPartner,
    send: (value) => onSave(value),
    overrides: { country: t('country.pick') },
  });
  return (
    <form className="partner-edit" onSubmit={submit} noValidate aria-label={t('partnerEdit.formLabel', { name: partner.name })} data-testid={`edit-partner-${partner.id}`}>
      <PartnerFields errors={errors} partner={partner} />
      {formError && (
        <p className="form__error" role="alert">
          {formError}
        </p>
      )}
      <div className="partner-edit__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('partnerEdit.save')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('partnerEdit.cancel')}
        </button>
      </div>
    </form>
  );
}
