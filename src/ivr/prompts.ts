/** What the caller hears, in the organisation's language; any key can be replaced under `prompts:` in the file. */
export const PROMPT_KEYS = [
  'welcome',
  'closed_after_hours',
  'closed_weekend',
  'closed_holiday',
  'announcements_more',
  'menu_open',
  'menu_closed',
  'invalid_choice',
  'no_choice',
  'helpdesk_closed',
  'connecting',
  'helpdesk_missed',
  'general_record',
  'emergency_code',
  'emergency_code_unknown',
  'line_choice',
  'after_hours_billable',
  'after_hours_not_included',
  'after_hours_go_ahead',
  'after_hours_callback',
  'emergency_record',
  'record_again',
  'record_not_saved',
  'recording_kept',
  'fault_record',
  'fault_goodbye',
  'nothing_recorded',
  'emergency_thanks',
  'voicemail_thanks',
  'callback_code',
  'code_wrong',
  'code_gave_up',
  'callback_confirm',
  'callback_need_number',
  'callback_bad_number',
  'callback_not_allowed',
  'callback_booked_soon',
  'callback_booked_later',
  'ticket_code',
  'ticket_number',
  'ticket_not_found',
  'ticket_escalated',
  'escalation_thanks',
  'goodbye',
  // Spoken to staff: the escalation's call, and the calls that connect them to a customer.
  'page_about',
  'page_unidentified',
  'page_press_1',
  'page_check_messages',
  'page_already_taken',
  'page_not_valid',
  'page_taken',
  'page_taken_by',
  'page_closed',
  'page_not_acknowledged',
  'page_key_heard',
  'staff_fault',
  'live_connecting',
  'live_whisper',
  'live_accepted',
  'live_taken_by',
  'live_closed',
  'live_declined',
  'live_not_answered',
  'live_ended',
  'bridge_connecting',
  'bridge_not_valid',
  'customer_no_answer',
  'callback_connecting',
  'callback_not_yours',
  'callback_no_answer',
] as const;
export type PromptKey = (typeof PROMPT_KEYS)[number];
type PromptSet = Record<PromptKey, string>;

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

const it: PromptSet = {
  welcome: 'Grazie per aver chiamato {org}.',
  closed_after_hours: 'In questo momento il nostro ufficio è chiuso.',
  closed_weekend: 'Il nostro ufficio è chiuso per il fine settimana.',
  closed_holiday: 'Oggi il nostro ufficio è chiuso per festività.',
  announcements_more: 'Trova altri avvisi e dettagli sulla nostra pagina di stato.',
  menu_open:
    'Per l’assistenza, premi 1. Per essere richiamato, premi 2. Per sollecitare una richiesta aperta, premi 3. Per un’emergenza, premi 5.',
  menu_closed:
    'Per un’emergenza, premi 5. Per essere richiamato, premi 2. Per sollecitare una richiesta aperta, premi 3.',
  invalid_choice: 'Spiacenti, la scelta non è valida.',
  no_choice: 'Spiacenti, non abbiamo ricevuto alcuna scelta.',
  helpdesk_closed: 'L’assistenza in questo momento è chiusa.',
  connecting: 'Ti mettiamo in contatto con l’assistenza.',
  helpdesk_missed:
    'Nessuno ha potuto rispondere. Per essere richiamato, premi 2. Oppure resta in linea per lasciare un messaggio.',
  general_record: 'Lascia un messaggio dopo il segnale e ti ricontatteremo. Premi cancelletto quando hai finito.',
  line_choice: 'Per {line}, premi {key}.',
  after_hours_billable: 'Attenzione: fuori orario, le emergenze sono fatturate alla tariffa fuori orario.',
  after_hours_not_included:
    'Il suo contratto non include le emergenze fuori orario. Per procedere alla tariffa fuori orario, prema 1. Per essere richiamato all’apertura dell’ufficio, prema 2.',
  after_hours_go_ahead: 'Grazie. Questa emergenza sarà fatturata alla tariffa fuori orario.',
  after_hours_callback: 'La richiameremo {when}. Arrivederci.',
  emergency_code:
    'Se conosci il tuo codice cliente, digitalo ora seguito da cancelletto. Altrimenti premi solo cancelletto.',
  emergency_code_unknown: 'Non abbiamo trovato quel codice, ma registreremo comunque il tuo messaggio.',
  emergency_record:
    'Dopo il segnale descrivi l’emergenza e indica il numero a cui richiamarti. Premi cancelletto quando hai finito.',
  record_again: 'Non abbiamo sentito alcun messaggio. Riprova dopo il segnale.',
  nothing_recorded:
    'Non è stato possibile registrare un messaggio. Se si tratta di un’emergenza, richiama. Arrivederci.',
  record_not_saved: 'Ci scusi, non siamo riusciti a salvare il messaggio. Lo ripeta dopo il segnale.',
  recording_kept:
    'Il messaggio è stato registrato e arriverà al tecnico di turno, anche se potrebbe volerci qualche minuto. Arrivederci.',
  fault_record:
    'Ci scusi, abbiamo un problema tecnico. Lasci un messaggio dopo il segnale, con il numero a cui richiamarla. Prema cancelletto quando ha finito.',
  fault_goodbye:
    'Ci scusi, il problema tecnico persiste. Se si tratta di un’emergenza, richiami tra qualche minuto. Arrivederci.',
  emergency_thanks:
    'Grazie. Il numero della tua richiesta è {number}. Il tecnico reperibile è stato avvisato e ti richiamerà. Arrivederci.',
  voicemail_thanks: 'Grazie. Il numero della tua richiesta è {number}. Ti ricontatteremo. Arrivederci.',
  callback_code: 'Digita il tuo codice cliente, seguito da cancelletto.',
  code_wrong: 'Spiacenti, il codice non è stato riconosciuto. Riprova.',
  code_gave_up: 'Non siamo riusciti a riconoscere il tuo codice cliente.',
  callback_confirm:
    'Grazie, {client}. Ti richiameremo al numero {phone}. Per confermare, premi 1. Per usare un altro numero, digitalo ora seguito da cancelletto.',
  callback_need_number: 'Grazie, {client}. Digita il numero a cui richiamarti, seguito da cancelletto.',
  callback_bad_number: 'Spiacenti, non possiamo chiamare quel numero.',
  callback_not_allowed: 'Ci scusi, possiamo richiamarla solo su un numero del nostro paese.',
  callback_booked_soon:
    'La richiamata è prenotata. Sei il numero {position} in coda e ti richiameremo a breve. Arrivederci.',
  callback_booked_later:
    'La richiamata è prenotata per l’apertura dell’ufficio, {when}. Sei il numero {position} in coda. Arrivederci.',
  ticket_code: 'Per trovare la tua richiesta, digita prima il tuo codice cliente, seguito da cancelletto.',
  ticket_number: 'Digita il numero della richiesta, seguito da cancelletto.',
  ticket_not_found: 'Non abbiamo trovato una richiesta aperta con quel numero per il tuo account.',
  ticket_escalated:
    'La richiesta {number} è stata sollecitata. Dopo il segnale, spiegaci cosa è cambiato. Premi cancelletto quando hai finito.',
  escalation_thanks: 'Grazie. Il tuo messaggio è stato aggiunto alla richiesta {number}. Arrivederci.',
  goodbye: 'Arrivederci.',
  page_about: 'Emergenza, richiesta {number} per {client}, da {org}.',
  page_unidentified: 'un chiamante non identificato',
  page_press_1: 'Per prenderla in carico, premi 1.',
  page_check_messages: 'Controlla i messaggi e rispondi ACK {number}.',
  page_already_taken: 'È già stata presa in carico. Arrivederci.',
  page_not_valid: 'Questa chiamata non è più valida. Arrivederci.',
  page_taken: 'La richiesta {number} è tua. Il numero del chiamante è nei tuoi messaggi. Arrivederci.',
  page_taken_by: 'La richiesta {number} è già stata presa in carico da {name}. Arrivederci.',
  page_closed: 'Quella richiesta è chiusa. Arrivederci.',
  page_not_acknowledged: 'Non presa in carico. Continueremo a provare. Arrivederci.',
  page_key_heard: 'Hai premuto {key}. Così la richiesta non è presa in carico.',
  staff_fault: 'Switchboard ha un guasto e non può proseguire questa chiamata. Arrivederci.',
  live_connecting: 'Resta in linea: ti colleghiamo con il tecnico di reperibilità.',
  live_whisper:
    'Chiamata di emergenza da {client}, richiesta {number}, per {org}. Per accettare ed essere collegato, premi 1.',
  live_accepted: 'Accettata. La richiesta {number} è tua. Ti colleghiamo.',
  live_taken_by: 'La richiesta {number} è già in carico a {name}. Ti colleghiamo.',
  live_closed: 'La richiesta {number} è stata chiusa. Chi chiama lascerà un messaggio. Arrivederci.',
  live_declined: 'Non accettata. Chi chiama lascerà un messaggio e tutti i reperibili saranno avvisati. Arrivederci.',
  live_not_answered: 'Il tecnico di reperibilità non può rispondere in questo momento.',
  live_ended: 'Il tecnico ha lasciato la chiamata. Il numero della tua richiesta è {number}. Arrivederci.',
  bridge_connecting: 'Ti colleghiamo con chi ha chiamato per la richiesta {number}.',
  bridge_not_valid: 'Questa richiamata non è più valida. Arrivederci.',
  customer_no_answer: 'Il cliente non ha risposto. Arrivederci.',
  callback_connecting: 'Ti colleghiamo con il cliente.',
  callback_not_yours: 'Questa richiamata non è più tua. Arrivederci.',
  callback_no_answer: "Il cliente non ha risposto. Registra l'esito nella dashboard. Arrivederci.",
};

const ru: PromptSet = {
  welcome: 'Спасибо, что позвонили в {org}.',
  closed_after_hours: 'Сейчас наш офис закрыт.',
  closed_weekend: 'Наш офис закрыт на выходные.',
  closed_holiday: 'Сегодня наш офис закрыт в связи с праздником.',
  announcements_more: 'Другие объявления и подробности — на нашей странице статуса.',
  menu_open:
    'Чтобы связаться со службой поддержки, нажмите 1. Чтобы заказать обратный звонок, нажмите 2. Чтобы ускорить открытую заявку, нажмите 3. В случае аварии нажмите 5.',
  menu_closed:
    'В случае аварии нажмите 5. Чтобы заказать обратный звонок, нажмите 2. Чтобы ускорить открытую заявку, нажмите 3.',
  invalid_choice: 'Извините, такого варианта нет.',
  no_choice: 'Извините, мы не услышали ваш выбор.',
  helpdesk_closed: 'Служба поддержки сейчас не работает.',
  connecting: 'Соединяем вас со службой поддержки.',
  helpdesk_missed:
    'Никто не смог ответить. Чтобы заказать обратный звонок, нажмите 2. Или оставайтесь на линии, чтобы оставить сообщение.',
  general_record: 'Оставьте сообщение после сигнала, и мы с вами свяжемся. Когда закончите, нажмите решётку.',
  emergency_code: 'Если вы знаете свой код клиента, введите его и нажмите решётку. Если нет, просто нажмите решётку.',
  line_choice: '{line}: нажмите {key}.',
  after_hours_billable:
    'Обратите внимание: в нерабочее время экстренные обращения оплачиваются по тарифу нерабочего времени.',
  after_hours_not_included:
    'Ваш договор не включает экстренные обращения в нерабочее время. Чтобы продолжить по тарифу нерабочего времени, нажмите 1. Чтобы мы перезвонили, когда откроется офис, нажмите 2.',
  after_hours_go_ahead: 'Спасибо. Это обращение будет оплачено по тарифу нерабочего времени.',
  after_hours_callback: 'Мы перезвоним вам {when}. До свидания.',
  emergency_code_unknown: 'Мы не нашли этот код, но всё равно примем ваше сообщение.',
  emergency_record:
    'После сигнала опишите аварию и назовите номер, по которому с вами связаться. Когда закончите, нажмите решётку.',
  record_again: 'Мы не услышали сообщения. Попробуйте ещё раз после сигнала.',
  nothing_recorded: 'Не удалось записать сообщение. Если это авария, позвоните ещё раз. До свидания.',
  record_not_saved: 'К сожалению, не удалось сохранить сообщение. Повторите его после сигнала.',
  recording_kept:
    'Ваше сообщение записано и дойдёт до дежурного инженера, возможно, через несколько минут. До свидания.',
  fault_record:
    'Извините, у нас техническая неполадка. Оставьте сообщение после сигнала и назовите номер, по которому с вами связаться. Когда закончите, нажмите решётку.',
  fault_goodbye:
    'Извините, неполадка ещё не устранена. Если это авария, позвоните ещё раз через несколько минут. До свидания.',
  emergency_thanks: 'Спасибо. Номер вашей заявки {number}. Дежурный инженер оповещён и перезвонит вам. До свидания.',
  voicemail_thanks: 'Спасибо. Номер вашей заявки {number}. Мы с вами свяжемся. До свидания.',
  callback_code: 'Введите код клиента и нажмите решётку.',
  code_wrong: 'Извините, код не распознан. Попробуйте ещё раз.',
  code_gave_up: 'Нам не удалось распознать ваш код клиента.',
  callback_confirm:
    'Спасибо, {client}. Мы перезвоним вам по номеру {phone}. Для подтверждения нажмите 1. Чтобы указать другой номер, введите его и нажмите решётку.',
  callback_need_number: 'Спасибо, {client}. Введите номер для обратного звонка и нажмите решётку.',
  callback_bad_number: 'Извините, на этот номер мы позвонить не можем.',
  callback_not_allowed: 'К сожалению, мы можем перезвонить только на номер в нашей стране.',
  callback_booked_soon: 'Обратный звонок заказан. Вы {position} в очереди, мы скоро вам перезвоним. До свидания.',
  callback_booked_later: 'Обратный звонок заказан на открытие офиса, {when}. Вы {position} в очереди. До свидания.',
  ticket_code: 'Чтобы найти заявку, сначала введите код клиента и нажмите решётку.',
  ticket_number: 'Введите номер заявки и нажмите решётку.',
  ticket_not_found: 'Мы не нашли открытую заявку с таким номером для вашей учётной записи.',
  ticket_escalated:
    'Заявка {number} ускорена. После сигнала расскажите, что изменилось. Когда закончите, нажмите решётку.',
  escalation_thanks: 'Спасибо. Ваше сообщение добавлено к заявке {number}. До свидания.',
  goodbye: 'До свидания.',
  page_about: 'Авария, заявка {number} от {client}, {org}.',
  page_unidentified: 'неопознанного абонента',
  page_press_1: 'Чтобы взять её, нажмите 1.',
  page_check_messages: 'Проверьте сообщения и ответьте ACK {number}.',
  page_already_taken: 'Её уже взяли. До свидания.',
  page_not_valid: 'Этот вызов больше не действителен. До свидания.',
  page_taken: 'Заявка {number} ваша. Номер звонившего в ваших сообщениях. До свидания.',
  page_taken_by: 'Заявку {number} уже взял(а) {name}. До свидания.',
  page_closed: 'Эта заявка закрыта. До свидания.',
  page_not_acknowledged: 'Не принято. Мы продолжим попытки. До свидания.',
  page_key_heard: 'Вы нажали {key}. Так заявка не принимается.',
  staff_fault: 'В Switchboard произошёл сбой, продолжить этот звонок нельзя. До свидания.',
  live_connecting: 'Оставайтесь на линии: соединяем вас с дежурным инженером.',
  live_whisper: 'Аварийный звонок от {client}, заявка {number}, для {org}. Чтобы принять и соединиться, нажмите 1.',
  live_accepted: 'Принято. Заявка {number} ваша. Соединяем.',
  live_taken_by: 'Заявку {number} уже взял(а) {name}. Соединяем.',
  live_closed: 'Заявка {number} закрыта. Звонящий оставит сообщение. До свидания.',
  live_declined: 'Не принято. Звонящий оставит сообщение, и все дежурные получат вызов. До свидания.',
  live_not_answered: 'Дежурный инженер сейчас не может ответить.',
  live_ended: 'Инженер завершил разговор. Номер вашей заявки {number}. До свидания.',
  bridge_connecting: 'Соединяем вас с автором заявки {number}.',
  bridge_not_valid: 'Этот обратный звонок больше не действителен. До свидания.',
  customer_no_answer: 'Клиент не ответил. До свидания.',
  callback_connecting: 'Соединяем вас с клиентом.',
  callback_not_yours: 'Этот обратный звонок больше не ваш. До свидания.',
  callback_no_answer: 'Клиент не ответил. Запишите результат в панели. До свидания.',
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
