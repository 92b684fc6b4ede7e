import type { PromptSet } from './prompt-keys.js';

/** The prompts in Italian. */
export const it: PromptSet = {
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
  callback_type_number: 'Digita il numero a cui richiamarti, seguito da cancelletto.',
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
