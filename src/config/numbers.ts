import { createRequire } from 'node:module';
import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js';

type Max = typeof import('libphonenumber-js/max');
let max: Max | undefined;
// The full metadata (which tells mobiles from landlines, and premium-rate lines) is loaded on first use.
const lib = () => (max ??= createRequire(import.meta.url)('libphonenumber-js/max') as Max);

/** What the full metadata knows of an E.164 number: its country and kind (MOBILE, PREMIUM_RATE...), when it can tell. */
export function numberInfo(phone: string): {
  country?: string;
  type?: string;
  callingCode?: string;
  nonGeographic?: boolean;
} {
  const parsed = lib().parsePhoneNumberFromString(phone);
  return {
    country: parsed?.country,
    type: parsed?.getType(),
    callingCode: parsed?.countryCallingCode,
    nonGeographic: parsed?.isNonGeographic(),
  };
}

/**
 * Whether a reply may be texted to a number that wrote to the helpdesk: not a premium-rate or shared-cost
 * line, nor a number of an international network (+881 satellite, +882/+883 and the other codes of no
 * country), where each reply costs a great deal and a stranger could have the helpdesk pay for a flood.
 */
export function mayReplyTo(phone: string): boolean {
  const { type, nonGeographic } = numberInfo(phone);
  return !nonGeographic && type !== 'PREMIUM_RATE' && type !== 'SHARED_COST';
}

/** Whether a number can take a text: anything not known to be a landline (US numbers cannot be told apart). */
export function canText(phone: string): boolean {
  const { type } = numberInfo(phone);
  return type === undefined || ['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER', 'VOIP'].includes(type);
}

/**
 * Whether Switchboard may dial a number to call someone back: in one of the allowed countries, and not a
 * premium-rate line. A caller can type any number, and caller ID can be forged, so without this a
 * stranger could have the helpdesk ring an expensive number over and over (premium-rate pumping).
 * A number the metadata cannot place (the reserved +1 555 examples) is judged by its calling code.
 */
export function mayDial(allowed: readonly CountryCode[], phone: string): boolean {
  const info = numberInfo(phone);
  if (info.type === 'PREMIUM_RATE') return false;
  if (info.country) return (allowed as readonly string[]).includes(info.country);
  return allowed.some((c) => getCountryCallingCode(c) === info.callingCode);
}
