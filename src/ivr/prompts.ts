import type { PromptKey, PromptSet } from './prompt-keys.js';
import { it } from './prompts-it.js';
import { ru } from './prompts-ru.js';

export { PROMPT_KEYS, type PromptKey } from './prompt-keys.js';

/** The prompts in English (the keys are in prompt-keys.ts, Italian and Russian beside this file). */
const en: PromptSet = {
  welcome: 'Thank you for calling {org}.',
  closed_after_hours: 'Our office is closed right now.',
  closed_weekend: 'Our office is closed for the weekend.',
  closed_holiday: 'Our office is closed today for a holiday.',
  announcements_more: 'You will find more on our status page.',
  menu_open:
    'For the helpdesk, press 1. To request a callback, press 2. To escalate an existing ticket, press 3. For an emergency, press 5.',
  menu_closed: 'For an emergency, press 5. To request a callback, press 2. To escalate an existing ticket, press 3.',
  invalid_choice: 'Sorry, that is not an option.',
  no_choice: 'Sorry, we did not hear a choice.',
  helpdesk_closed: 'The helpdesk is closed right now.',
  connecting: 'Connecting you to the helpdesk.',
  helpdesk_missed:
    'Nobody could take your call. To request a callback, press 2. Or stay on the line to leave a message.',
  general_record: 'Please leave a message after the tone, and we will get back to you. Press hash when you are done.',
  emergency_code: 'If you know your support code, type it now, followed by hash. Otherwise, just press hash.',
  line_choice: 'For {line}, press {key}.',
  after_hours_billable: 'Please note: outside business hours, emergencies are billed at the after-hours rate.',
  after_hours_not_included:
    'Your contract does not include emergencies outside business hours. To go ahead at the after-hours rate, press 1. To be called back when the office opens, press 2.',
  after_hours_go_ahead: 'Thank you. This emergency will be billed at the after-hours rate.',
  after_hours_callback: 'We will call you back at {when}. Goodbye.',
  emergency_code_unknown: 'We could not find that code, but we will take your message.',
  emergency_record:
    'Please describe the emergency after the tone, and say the best number to reach you. Press hash when you are done.',
  record_again: 'We did not hear a message. Please try again after the tone.',
  nothing_recorded: 'We could not record a message. If this is an emergency, please call again. Goodbye.',
  record_not_saved: 'Sorry, we could not save your message. Please say it again after the tone.',
  recording_kept:
    'Your message has been recorded and will reach the on-call engineer, though it may take a few minutes. Goodbye.',
  fault_record:
    'Sorry, we have a technical problem. Please leave your message after the tone, with the best number to reach you. Press hash when you are done.',
  fault_goodbye:
    'Sorry, we still have a technical problem. If this is an emergency, please call again in a few minutes. Goodbye.',
  emergency_thanks:
    'Thank you. Your ticket number is {number}. The on-call engineer has been alerted and will call you back. Goodbye.',
  voicemail_thanks: 'Thank you. Your ticket number is {number}. We will get back to you. Goodbye.',
  callback_code: 'Please enter your support code, followed by hash.',
  code_wrong: 'Sorry, that code was not recognised. Please try again.',
  code_gave_up: 'We could not recognise your support code.',
  callback_confirm:
    'Thank you, {client}. We will call you back on {phone}. To confirm, press 1. To use another number, type it now, followed by hash.',
  callback_need_number: 'Thank you, {client}. Please type the number we should call you back on, followed by hash.',
  callback_type_number: 'Please type the number we should call you back on, followed by hash.',
  callback_bad_number: 'Sorry, that is not a number we can call.',
  callback_not_allowed: 'Sorry, we can only call you back on a number in our own country.',
  callback_booked_soon:
    'Your callback is booked. You are number {position} in the queue, and we will call you shortly. Goodbye.',
  callback_booked_later:
    'Your callback is booked for when the office opens, {when}. You are number {position} in the queue. Goodbye.',
  ticket_code: 'To find your ticket, first enter your support code, followed by hash.',
  ticket_number: 'Please enter your ticket number, followed by hash.',
  ticket_not_found: 'We could not find an open ticket with that number for your account.',
  ticket_escalated:
    'Ticket {number} has been escalated. After the tone, please tell us what has changed. Press hash when you are done.',
  escalation_thanks: 'Thank you. Your message has been added to ticket {number}. Goodbye.',
  goodbye: 'Goodbye.',
  page_about: 'Emergency ticket {number} for {client}, from {org}.',
  page_unidentified: 'an unidentified caller',
  page_press_1: 'To take it, press 1.',
  page_check_messages: 'Check your messages and reply ACK {number}.',
  page_already_taken: 'It has already been taken. Goodbye.',
  page_not_valid: 'This page is no longer valid. Goodbye.',
  page_taken: "Ticket {number} is yours. The caller's number is in your text messages. Goodbye.",
  page_taken_by: 'Ticket {number} was already taken by {name}. Goodbye.',
  page_closed: 'That ticket is closed. Goodbye.',
  page_not_acknowledged: 'Not acknowledged. We will keep trying. Goodbye.',
  page_key_heard: 'You pressed {key}. That does not take the ticket.',
  staff_fault: 'Switchboard has a fault and cannot go on with this call. Goodbye.',
  live_connecting: 'Please hold while we connect you to the on-call engineer.',
  live_whisper: 'Emergency call from {client}, ticket {number}, for {org}. To accept and be connected, press 1.',
  live_accepted: 'Accepted. Ticket {number} is yours. Connecting you now.',
  live_taken_by: 'Ticket {number} is already with {name}. Connecting you now.',
  live_closed: 'Ticket {number} has been closed. The caller will leave a message. Goodbye.',
  live_declined: 'Not accepted. The caller will leave a message and everyone on call will be paged. Goodbye.',
  live_not_answered: 'The on-call engineer could not take your call right now.',
  live_ended: 'The engineer has left the call. Your ticket number is {number}. Goodbye.',
  bridge_connecting: 'Connecting you to the caller of ticket {number}.',
  bridge_not_valid: 'This callback is no longer valid. Goodbye.',
  customer_no_answer: 'The customer did not answer. Goodbye.',
  callback_connecting: 'Connecting you to the customer.',
  callback_not_yours: 'This callback is no longer yours to make. Goodbye.',
  callback_no_answer: 'The customer did not answer. Record the outcome in the dashboard. Goodbye.',
};

const SETS: Record<string, PromptSet> = { en, it, ru };
const DEFAULT_VOICES: Record<string, string> = { en: 'Polly.Joanna', it: 'Polly.Bianca', ru: 'Polly.Tatyana' };

export interface Speech {
  language: string;
  voice: string;
  say(key: PromptKey, values?: Record<string, string | number>): string;
}

/** The organisation's prompts: its language's set, with its own overrides on top. */
export function speechFor(language: string, voice: string | undefined, overrides: Record<string, string>): Speech {
  const base = language.slice(0, 2).toLowerCase();
  const set = SETS[base] ?? en;
  return {
    language,
    voice: voice ?? DEFAULT_VOICES[base] ?? DEFAULT_VOICES.en!,
    say: (key, values = {}) =>
      (overrides[key] ?? set[key]).replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? '')),
  };
}

/** Digits read one by one: 1042 as "1 0 4 2", +12815550142 as "2 8 1 5 5 5 0 1 4 2" for a home number. */
export const spellDigits = (text: string) => text.replace(/\D/g, '').split('').join(' ');
