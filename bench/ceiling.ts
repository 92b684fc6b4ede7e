/** The framework's ceiling for bench/voice.ts: a bare Express handler answering fixed TwiML, in its own process. */
import express from 'express';

const twiml = process.env.CEILING_TWIML ?? '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const app = express();
app.use(express.urlencoded({ extended: false }));
app.post('/twilio/voice', (_req, res) => {
  res.type('text/xml').send(twiml);
});
app.listen(Number(process.env.PORT), '127.0.0.1');
