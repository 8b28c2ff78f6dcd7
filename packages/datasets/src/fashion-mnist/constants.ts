/** Class names of Fashion-MNIST, indexed by label (Xiao, Rasul & Vollgraf 2017). */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** Seed of the fixed shuffle that mixes the classes of the derived Fashion-MNIST training split. */
export const FASHION_MNIST_TRAIN_SEED = 20170825;

/** Seed of the fixed shuffle that mixes the classes of the derived Fashion-MNIST test split. */
export const FASHION_MNIST_TEST_SEED = 20170826;
