/** How a ticket number is shown to people: 1042 as TK-1042 (callers type only the digits). */
export const ticketLabel = (number: number) => `TK-${number}`;
