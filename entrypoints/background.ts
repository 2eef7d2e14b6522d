export default defineBackground(() => {
  console.log('Telehealth Guard background started');
});
